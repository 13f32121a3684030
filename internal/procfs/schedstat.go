package procfs

import (
	"fmt"
)

// CPUSchedstat is one cpu line of /proc/schedstat: what the scheduler
// counted for that CPU since boot.
type CPUSchedstat struct {
	ID int
	// RunningNanos is time tasks spent running on the CPU, WaitingNanos
	// time they spent runnable and waiting for it; Timeslices counts the
	// times a task was given it.
	RunningNanos, WaitingNanos, Timeslices uint64
}

// ParseCPUSchedstat parses the cpu lines of /proc/schedstat into dst[:0]
// without allocating once dst has room: the version, timestamp and domain
// lines are skipped. A cpu line has nine numbers since version 15 (kernel
// 4.x); the last three are running time, waiting time and timeslices. A
// cpu line with fewer numbers, or one that is not a number, is an error
// naming the line.
func ParseCPUSchedstat(b []byte, dst []CPUSchedstat) ([]CPUSchedstat, error) {
	dst = dst[:0]
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		name, rest := statCutField(line)
		if len(name) < 4 || string(name[:3]) != "cpu" {
			continue
		}
		id, ok := parseDecimal(name[3:])
		if !ok || id > 1<<20 {
			return dst, fmt.Errorf("line %d: bad cpu name %s", lineNo, statQuote(name))
		}
		var v [9]uint64
		n := 0
		for n < len(v) {
			var f []byte
			f, rest = statCutField(rest)
			if len(f) == 0 {
				break
			}
			if v[n], ok = parseDecimal(f); !ok {
				return dst, fmt.Errorf("line %d (%s): field %d: %s is not a number", lineNo, name, n+1, statQuote(f))
			}
			n++
		}
		if n < len(v) {
			return dst, fmt.Errorf("line %d (%s): %d fields, want 9", lineNo, name, n)
		}
		dst = append(dst, CPUSchedstat{ID: int(id), RunningNanos: v[6], WaitingNanos: v[7], Timeslices: v[8]})
	}
	return dst, nil
}

// CPUSchedstat reads and parses <proc>/schedstat into dst, reusing buf as
// Stat does. A kernel built without CONFIG_SCHEDSTATS has no such file:
// the error then wraps fs.ErrNotExist. Errors name the file.
func (fs FS) CPUSchedstat(dst []CPUSchedstat, buf []byte) ([]CPUSchedstat, []byte, error) {
	path := fs.Proc("schedstat")
	buf, err := fs.read(path, buf)
	if err != nil {
		return dst[:0], buf, err
	}
	dst, err = ParseCPUSchedstat(buf, dst)
	if err != nil {
		return dst, buf, fmt.Errorf("%s: %w", path, err)
	}
	return dst, buf, nil
}
