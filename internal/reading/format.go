package reading

import (
	"fmt"
	"math"
)

// Format writes a value in this unit, in the short form a line of `watch`
// or a table cell has room for: binary prefixes for bytes, one decimal for
// percentages and degrees. Every output formats through it, so a value reads
// the same in the stream, the dashboard, the history and the report.
func (u Unit) Format(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	switch u {
	case Percent:
		return fmt.Sprintf("%.1f%%", v)
	case Bytes:
		return FormatBytes(v)
	case BytesPerSecond:
		return FormatBytes(v) + "/s"
	case Celsius:
		return fmt.Sprintf("%.1f°C", v)
	case RPM:
		return fmt.Sprintf("%.0f rpm", v)
	case PerSecond:
		return trim(v) + "/s"
	case Seconds:
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

// FormatBytes formats a byte count with binary prefixes (KiB, MiB, …) as
// free -h and the kernel do; a value that is not a number, or infinite,
// is a dash as in Format (a NaN matched no prefix and indexed below them).
func FormatBytes(v float64) string {
	const units = "KMGTPE"
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
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
