package tui

import (
	"math"
	"strconv"
	"time"
)

// bytesIEC writes n bytes in binary units with three significant digits:
// 980B, 12.3K, 4.21G.
func bytesIEC(n float64) string {
	if math.IsNaN(n) || n < 0 {
		return "-"
	}
	const units = "BKMGTPE"
	i := 0
	for n >= 1000 && i < len(units)-1 {
		n /= 1024
		i++
	}
	var s string
	switch {
	case i == 0:
		s = strconv.FormatFloat(n, 'f', 0, 64)
	case n < 10:
		s = strconv.FormatFloat(n, 'f', 2, 64)
	case n < 100:
		s = strconv.FormatFloat(n, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(n, 'f', 0, 64)
	}
	return s + units[i:i+1]
}

// rate writes a bytes-per-second value: 1.20M/s.
func rate(n float64) string { return bytesIEC(n) + "/s" }

// pct writes a percentage with one decimal below 100: 7.5, 100.
func pct(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v >= 99.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

// cpuTime writes seconds of CPU as top does: 1:02.35 under an hour,
// 12h05m under a day, 3d04h beyond.
func cpuTime(s float64) string {
	if math.IsNaN(s) || s < 0 {
		return "-"
	}
	switch {
	case s < 3600:
		m := int(s) / 60
		return strconv.Itoa(m) + ":" + twoDigits(int(s)%60) + "." + twoDigits(int(s*100)%100)
	case s < 86400:
		return strconv.Itoa(int(s)/3600) + "h" + twoDigits(int(s)/60%60) + "m"
	default:
		return strconv.Itoa(int(s)/86400) + "d" + twoDigits(int(s)/3600%24) + "h"
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// interval writes a refresh interval briefly: 500ms, 1s, 2.5s.
func interval(d time.Duration) string {
	if d < time.Second {
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// clock writes a time of day in the reading's own zone.
func clock(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.Format("15:04:05")
}

// trimFloat writes v with at most one decimal and no trailing zero.
func trimFloat(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
