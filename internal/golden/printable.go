package golden

import (
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"testing"
	"unicode/utf8"
)

// Hostile holds names a process, a mount or a rule could carry to attack
// the terminal that prints them: an OSC title change ended by BEL, a CSI
// clear, a C1 CSI (0x9b), invalid UTF-8, and line breaks that would forge
// a row. Tests feed them through a text output and check it with Printable.
var Hostile = []string{
	"\x1b]0;owned\a\x1b[2Jevil",
	"a\x9b31mred",
	"\u009b2J",
	"bad\xff\xfeutf8",
	"two\nlines\rback\ttab",
	"bell\x07del\x7f",
}

// Printable fails t when out holds a byte a terminal would act on rather
// than show: a control byte other than the newline between lines, DEL, a
// C1 control (U+0080–U+009F) or invalid UTF-8.
func Printable(t testing.TB, what, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		bad := (r == utf8.RuneError && n == 1) || (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0)
		if bad {
			lo, hi := max(0, i-20), min(len(out), i+20)
			t.Errorf("%s: unprintable %q at byte %d, in %q", what, out[i:i+n], i, out[lo:hi])
			return
		}
		i += n
	}
}

// HostileReadings returns, at t, a reading of every sensor whose every
// outside string — notes, errors, labels, process names and command lines,
// users, rule names and alert messages — is one of Hostile, so a test can
// run an output over them and check it with Printable.
func HostileReadings(t time.Time) []reading.Reading {
	h := func(i int) string { return Hostile[i%len(Hostile)] }
	lab := func(name string, i int) []reading.Label { return []reading.Label{{Name: name, Value: h(i)}} }
	tr := func(i int) []reading.Transition {
		return []reading.Transition{
			{Rule: h(i), Metric: reading.FSAvail, Labels: lab("mountpoint", i+1), From: reading.Normal, To: reading.Warning, Value: 1, Time: t, Since: t},
			{Rule: h(i + 2), Metric: reading.ProcsCount, From: reading.Warning, To: reading.Critical, Value: 2, Time: t, Since: t, Message: h(i + 3)},
		}
	}
	var procs []reading.Process
	for i := range Hostile {
		procs = append(procs, reading.Process{PID: int32(100 + i), PPID: 1, User: h(i), State: h(i + 1), Comm: h(i + 2),
			Cmdline: h(i+3) + " " + h(i+4), CPUPercent: float64(10 - i), RSS: 1 << 20, Start: t})
	}
	pct := func(name string, v float64, labels []reading.Label) reading.Metric {
		return reading.Metric{Name: name, Value: v, Unit: reading.Percent, Labels: labels}
	}
	fs := func(i int) []reading.Label {
		return []reading.Label{{Name: "device", Value: h(i)}, {Name: "fstype", Value: h(i + 1)}, {Name: "mountpoint", Value: h(i + 2)}}
	}
	return []reading.Reading{
		{Sensor: reading.SensorCPU, Time: t, Primary: reading.CPUUsage, Status: reading.Warning, Transitions: tr(0),
			Metrics: []reading.Metric{pct(reading.CPUUsage, 50, nil), pct(reading.CPUCoreUsage, 50, lab("cpu", 1)), {Name: reading.CPUCores, Value: 1}}},
		{Sensor: reading.SensorMemory, Time: t, Err: h(0)},
		{Sensor: reading.SensorTemperature, Time: t, Note: h(1)},
		{Sensor: reading.SensorDisk, Time: t, Primary: reading.DiskUsedPercent, Status: reading.Critical, Transitions: tr(1),
			Metrics: []reading.Metric{pct(reading.DiskUsedPercent, 91, nil), pct(reading.FSUsedPercent, 91, fs(0)),
				{Name: reading.FSAvail, Value: 1 << 30, Unit: reading.Bytes, Labels: fs(0)}, {Name: reading.FSSize, Value: 1 << 34, Unit: reading.Bytes, Labels: fs(0)},
				{Name: reading.DiskReadBytes, Value: 1, Unit: reading.BytesPerSecond, Labels: lab("device", 3)}}},
		{Sensor: reading.SensorNetwork, Time: t, Primary: reading.NetThroughput, Status: reading.Normal,
			Metrics: []reading.Metric{{Name: reading.NetThroughput, Value: 10, Unit: reading.BytesPerSecond},
				{Name: reading.NetRxBytes, Value: 5, Unit: reading.BytesPerSecond, Labels: lab("device", 4)}}},
		{Sensor: reading.SensorProcesses, Time: t, Primary: reading.ProcsCount, Status: reading.Critical, Transitions: tr(2), Processes: procs,
			Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: float64(len(procs))}}},
	}
}
