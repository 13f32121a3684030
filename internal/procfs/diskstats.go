package procfs

import "fmt"

// DiskStat is one line of /proc/diskstats: a block device's cumulative I/O
// counters since boot. Times are in milliseconds, sizes in 512-byte sectors
// whatever the device's real sector size, as the kernel documents.
type DiskStat struct {
	Major, Minor uint32
	Name         string

	ReadsCompleted  uint64
	ReadsMerged     uint64
	SectorsRead     uint64
	ReadTimeMs      uint64
	WritesCompleted uint64
	WritesMerged    uint64
	SectorsWritten  uint64
	WriteTimeMs     uint64
	IOsInProgress   uint64
	IOTimeMs        uint64 // time with at least one I/O in flight ("io_ticks")
	WeightedIOMs    uint64

	// Discard counters exist from Linux 4.18, flush counters from 5.5; they
	// stay zero on older kernels.
	DiscardsCompleted uint64
	DiscardsMerged    uint64
	SectorsDiscarded  uint64
	DiscardTimeMs     uint64
	FlushesCompleted  uint64
	FlushTimeMs       uint64

	// Fields is how many counters the line had (11, 15, 17 or more, by
	// kernel): node_exporter emits only the series a kernel writes, not
	// zeros for the discard and flush counters it lacks.
	Fields int
}

// SectorSize is the unit of the sector counters of /proc/diskstats.
const SectorSize = 512

// Diskstats reads <proc>/diskstats into dst, reusing its capacity, device
// names and buf (the read buffer, grown as needed and returned for the next
// call), so a steady-state read allocates next to nothing.
func (fs FS) Diskstats(dst []DiskStat, buf []byte) ([]DiskStat, []byte, error) {
	path := fs.Proc("diskstats")
	buf, err := fs.read(path, buf)
	if err != nil {
		return dst[:0], buf, err
	}
	if dst, err = ParseDiskstats(buf, dst); err != nil {
		return dst, buf, fmt.Errorf("%s: %w", path, err)
	}
	return dst, buf, nil
}

// ParseDiskstats parses the contents of /proc/diskstats into dst[:0]. A name
// already held by the entry it overwrites is kept rather than reallocated.
// Lines need at least the 14 fields every kernel since 2.6 writes; a shorter
// or non-numeric line is an error naming its line number.
func ParseDiskstats(b []byte, dst []DiskStat) ([]DiskStat, error) {
	dst = dst[:0]
	var fields [20][]byte
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		n := splitBlanks(line, fields[:])
		if n == 0 {
			continue
		}
		if n < 14 {
			return dst, fmt.Errorf("diskstats line %d: %d fields, want at least 14", lineNo, n)
		}
		var vals [17]uint64
		for i := 3; i < n && i-3 < len(vals); i++ {
			v, ok := parseDecimal(fields[i])
			if !ok {
				return dst, fmt.Errorf("diskstats line %d field %d: bad number %q", lineNo, i+1, fields[i])
			}
			vals[i-3] = v
		}
		major, ok1 := parseDecimal(fields[0])
		minor, ok2 := parseDecimal(fields[1])
		if !ok1 || !ok2 || major > 1<<32-1 || minor > 1<<32-1 {
			return dst, fmt.Errorf("diskstats line %d: bad device number %q:%q", lineNo, fields[0], fields[1])
		}
		var name string
		if len(dst) < cap(dst) {
			name = dst[:len(dst)+1][len(dst)].Name
		}
		if name != string(fields[2]) {
			name = string(fields[2])
		}
		dst = append(dst, DiskStat{
			Major: uint32(major), Minor: uint32(minor), Name: name,
			ReadsCompleted: vals[0], ReadsMerged: vals[1], SectorsRead: vals[2], ReadTimeMs: vals[3],
			WritesCompleted: vals[4], WritesMerged: vals[5], SectorsWritten: vals[6], WriteTimeMs: vals[7],
			IOsInProgress: vals[8], IOTimeMs: vals[9], WeightedIOMs: vals[10],
			DiscardsCompleted: vals[11], DiscardsMerged: vals[12], SectorsDiscarded: vals[13], DiscardTimeMs: vals[14],
			FlushesCompleted: vals[15], FlushTimeMs: vals[16],
			Fields: n - 3,
		})
	}
	return dst, nil
}

// splitBlanks splits line at runs of spaces and tabs into out and returns
// how many fields it found; fields past len(out) are counted but dropped.
func splitBlanks(line []byte, out [][]byte) int {
	n := 0
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		if n < len(out) {
			out[n] = line[start:i]
		}
		n++
	}
	return n
}
