package stream

import (
	"fmt"
	"math"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Value formats a metric's value with its unit, in the short form a line of
// `watch` or a table cell has room for: binary prefixes for bytes, one
// decimal for percentages and degrees.
func Value(v float64, u reading.Unit) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	switch u {
	case reading.Percent:
		return fmt.Sprintf("%.1f%%", v)
	case reading.Bytes:
		return Bytes(v)
	case reading.BytesPerSecond:
		return Bytes(v) + "/s"
	case reading.Celsius:
		return fmt.Sprintf("%.1f°C", v)
	case reading.RPM:
		return fmt.Sprintf("%.0f rpm", v)
	case reading.PerSecond:
		return trim(v) + "/s"
	case reading.Seconds:
		return fmt.Sprintf("%.3gs", v)
	}
	return trim(v)
}

func trim(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// Bytes formats a byte count with binary prefixes (KiB, MiB, …) as free -h
// and the kernel do.
func Bytes(v float64) string {
	const units = "KMGTPE"
	if math.Abs(v) < 1024 {
		return fmt.Sprintf("%.0f B", v)
	}
	i := -1
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if math.Abs(v) >= 100 {
		return fmt.Sprintf("%.0f %ciB", v, units[i])
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}
