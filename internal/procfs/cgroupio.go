package procfs

import (
	"bytes"
	"fmt"
)

// CgroupIO is a cgroup v2 io.stat summed over its devices.
type CgroupIO struct {
	ReadBytes, WrittenBytes uint64
}

// ParseCgroupIOStat parses io.stat ("8:0 rbytes=1 wbytes=2 rios=3 …", one
// line per device) and sums rbytes and wbytes. Keys it does not know are
// skipped; a bad value of a known key is an error naming the line.
func ParseCgroupIOStat(b []byte) (CgroupIO, error) {
	var io CgroupIO
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		_, rest := statCutField(line) // the device, major:minor
		for {
			var f []byte
			if f, rest = statCutField(rest); len(f) == 0 {
				break
			}
			key, val, _ := bytes.Cut(f, []byte("="))
			var dst *uint64
			switch string(key) {
			case "rbytes":
				dst = &io.ReadBytes
			case "wbytes":
				dst = &io.WrittenBytes
			default:
				continue
			}
			v, ok := parseDecimal(val)
			if !ok {
				return CgroupIO{}, fmt.Errorf("line %d (%s): %s is not a number", lineNo, key, statQuote(val))
			}
			*dst += v
		}
	}
	return io, nil
}
