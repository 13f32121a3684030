package procfs

import (
	"bytes"
	"errors"
	"fmt"
)

// MemInfoField is one line of /proc/meminfo.
type MemInfoField struct {
	// Name is the kernel's spelling, such as "Active(anon)".
	Name string
	// Value is in bytes when Bytes is set (the kernel wrote "kB"), otherwise
	// a plain count (HugePages_Total).
	Value uint64
	Bytes bool
}

// MemInfo is /proc/meminfo: every field in file order, and the ones vigia
// computes with pulled out. Fields absent from the file are zero; Has tells
// the optional ones apart from a real zero.
type MemInfo struct {
	Fields []MemInfoField

	MemTotal, MemFree, MemAvailable, Buffers, Cached, SReclaimable uint64
	Shmem, SwapTotal, SwapFree, SwapCached                         uint64
	// HasAvailable is false on kernels before 3.14, which lack MemAvailable.
	HasAvailable bool
}

// ParseMemInfo parses /proc/meminfo into m. It reuses m.Fields and the name
// strings of the previous parse, so parsing the same machine again allocates
// nothing: BenchmarkParseMemInfo measures ~2.4 µs and 0 allocs for 56
// lines, BenchmarkReadMemInfo ~11–14 µs with the read, where gopsutil and
// prometheus/procfs spend 27–30 µs and ~175 allocations
// (shared/research/procbench.md).
//
// A line without a colon, a value that is not a number, a unit other than kB,
// or a file without MemTotal is an error naming the line.
func ParseMemInfo(b []byte, m *MemInfo) error {
	fields := m.Fields
	*m = MemInfo{}
	n := 0
	lineNo := 0
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		lineNo++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			m.Fields = fields[:n]
			return fmt.Errorf("line %d: %s has no \"name:\"", lineNo, statQuote(line))
		}
		name := line[:colon]
		num, rest := statCutField(line[colon+1:])
		v, ok := parseDecimal(num)
		if !ok {
			m.Fields = fields[:n]
			return fmt.Errorf("line %d (%s): %s is not a number", lineNo, name, statQuote(num))
		}
		unit, _ := statCutField(rest)
		isBytes := false
		switch {
		case len(unit) == 0:
		case string(unit) == "kB":
			if v > (1<<64-1)/1024 {
				m.Fields = fields[:n]
				return fmt.Errorf("line %d (%s): %d kB overflows", lineNo, name, v)
			}
			v *= 1024
			isBytes = true
		default:
			m.Fields = fields[:n]
			return fmt.Errorf("line %d (%s): unknown unit %s", lineNo, name, statQuote(unit))
		}
		if n < len(fields) {
			f := &fields[n]
			if f.Name != string(name) { // compared in place, no allocation
				f.Name = string(name)
			}
			f.Value, f.Bytes = v, isBytes
		} else {
			fields = append(fields, MemInfoField{Name: string(name), Value: v, Bytes: isBytes})
		}
		n++
		switch string(name) {
		case "MemTotal":
			m.MemTotal = v
		case "MemFree":
			m.MemFree = v
		case "MemAvailable":
			m.MemAvailable, m.HasAvailable = v, true
		case "Buffers":
			m.Buffers = v
		case "Cached":
			m.Cached = v
		case "SReclaimable":
			m.SReclaimable = v
		case "Shmem":
			m.Shmem = v
		case "SwapTotal":
			m.SwapTotal = v
		case "SwapFree":
			m.SwapFree = v
		case "SwapCached":
			m.SwapCached = v
		}
	}
	m.Fields = fields[:n]
	if n == 0 {
		return errors.New("empty file")
	}
	if m.MemTotal == 0 {
		return errors.New("no MemTotal line (truncated?)")
	}
	return nil
}

// MemInfo reads and parses <proc>/meminfo into m, reusing buf as Stat does.
// Errors name the file.
func (fs FS) MemInfo(m *MemInfo, buf []byte) ([]byte, error) {
	path := fs.Proc("meminfo")
	buf, err := fs.read(path, buf)
	if err != nil {
		return buf, err
	}
	if err := ParseMemInfo(buf, m); err != nil {
		return buf, fmt.Errorf("%s: %w", path, err)
	}
	return buf, nil
}
