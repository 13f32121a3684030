package procfs

import (
	"bytes"
	"errors"
	"fmt"
)

// CPUTimes is one cpu line of /proc/stat: time spent in each mode, in clock
// ticks (USER_HZ). Guest and GuestNice are already counted inside User and
// Nice; they are kept for exporters, and summing them again double counts.
type CPUTimes struct {
	User, Nice, System, Idle, IOWait, IRQ, SoftIRQ, Steal, Guest, GuestNice uint64
}

// Busy returns the ticks spent doing work: every mode but idle and iowait.
func (t CPUTimes) Busy() uint64 {
	return t.User + t.Nice + t.System + t.IRQ + t.SoftIRQ + t.Steal
}

// Total returns all ticks, without counting guest time twice.
func (t CPUTimes) Total() uint64 { return t.Busy() + t.Idle + t.IOWait }

// CoreTimes is the line of one online CPU ("cpu3 …"). /proc/stat lists only
// online CPUs, so IDs may have gaps.
type CoreTimes struct {
	ID int
	CPUTimes
}

// Stat is the system-wide part of /proc/stat that vigia uses.
type Stat struct {
	Total CPUTimes    // the aggregate "cpu" line
	Cores []CoreTimes // one per online CPU, in file order
	// BootTime is btime, seconds since the epoch; 0 when absent.
	BootTime        uint64
	ContextSwitches uint64
	// Interrupts is the first number of the intr line: every interrupt
	// serviced since boot, numbered or not.
	Interrupts   uint64
	Forks        uint64 // "processes": forks since boot
	ProcsRunning uint64
	ProcsBlocked uint64
}

// ParseStat parses /proc/stat into s, reusing s.Cores so that parsing the
// same machine again allocates nothing (the file is read every second).
// A hand parser: BenchmarkParseStat measures ~0.7 µs and 0 allocs for this
// machine's 2-core file (~18 µs for 64 cores); BenchmarkReadStat, the read
// included, ~10–16 µs, where gopsutil and prometheus/procfs spend 20–45 µs
// and 24–82 allocations (shared/research/procbench.md).
//
// Kernels before 2.6.33 have fewer than ten columns; missing ones are zero.
// A cpu line with fewer than four numbers, or a field that is not a number,
// is an error naming the line.
func ParseStat(b []byte, s *Stat) error {
	cores := s.Cores[:0]
	*s = Stat{}
	sawTotal := false
	lineNo := 0
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		lineNo++
		name, rest := statCutField(line)
		if len(name) < 3 || name[0] != 'c' || name[1] != 'p' || name[2] != 'u' {
			if err := statScalar(name, rest, s, lineNo); err != nil {
				s.Cores = cores
				return err
			}
			continue
		}
		var t CPUTimes
		if err := parseCPUTimes(rest, &t); err != nil {
			s.Cores = cores
			return fmt.Errorf("line %d (%s): %w", lineNo, statQuote(name), err)
		}
		if len(name) == 3 {
			s.Total = t
			sawTotal = true
			continue
		}
		id, ok := parseDecimal(name[3:])
		if !ok || id > 1<<20 {
			s.Cores = cores
			return fmt.Errorf("line %d: bad cpu name %s", lineNo, statQuote(name))
		}
		cores = append(cores, CoreTimes{ID: int(id), CPUTimes: t})
	}
	s.Cores = cores
	if !sawTotal {
		return errors.New("no aggregate cpu line (truncated or not a /proc/stat file?)")
	}
	return nil
}

func statScalar(name, rest []byte, s *Stat, lineNo int) error {
	var dst *uint64
	switch string(name) { // no allocation: the compiler compares in place
	case "btime":
		dst = &s.BootTime
	case "ctxt":
		dst = &s.ContextSwitches
	case "intr":
		dst = &s.Interrupts
	case "processes":
		dst = &s.Forks
	case "procs_running":
		dst = &s.ProcsRunning
	case "procs_blocked":
		dst = &s.ProcsBlocked
	default:
		return nil // softirq and lines of future kernels
	}
	v, _ := statCutField(rest)
	n, ok := parseDecimal(v)
	if !ok {
		return fmt.Errorf("line %d (%s): bad value %s", lineNo, name, statQuote(v))
	}
	*dst = n
	return nil
}

func parseCPUTimes(b []byte, t *CPUTimes) error {
	fields := [...]*uint64{&t.User, &t.Nice, &t.System, &t.Idle, &t.IOWait, &t.IRQ, &t.SoftIRQ, &t.Steal, &t.Guest, &t.GuestNice}
	n := 0
	for {
		var f []byte
		f, b = statCutField(b)
		if len(f) == 0 {
			break
		}
		if n == len(fields) {
			continue // columns added by a future kernel
		}
		v, ok := parseDecimal(f)
		if !ok {
			return fmt.Errorf("field %d: %s is not a tick count", n+1, statQuote(f))
		}
		*fields[n] = v
		n++
	}
	if n < 4 {
		return fmt.Errorf("%d fields, want at least 4 (user nice system idle)", n)
	}
	return nil
}

// cutLine splits b at its first newline into the line (without the newline)
// and what follows; the last line need not end in one. Every line-oriented
// parser here walks its input with it, so none allocates to split lines.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// statCutField returns the first whitespace-separated field of b and the
// rest.
func statCutField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && statSpace(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !statSpace(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

func statSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// statQuote quotes at most 32 bytes of b for an error message, so a garbage
// file does not produce a megabyte-long error.
func statQuote(b []byte) string {
	if len(b) > 32 {
		return fmt.Sprintf("%q…", b[:32])
	}
	return fmt.Sprintf("%q", b)
}

// Stat reads and parses <proc>/stat into s. buf is a scratch buffer kept by
// the caller between reads (nil at first); the grown buffer is returned, so a
// sensor reading every second allocates nothing once warm. Errors name the
// file.
func (fs FS) Stat(s *Stat, buf []byte) ([]byte, error) {
	path := fs.Proc("stat")
	buf, err := fs.read(path, buf)
	if err != nil {
		return buf, err
	}
	if err := ParseStat(buf, s); err != nil {
		return buf, fmt.Errorf("%s: %w", path, err)
	}
	return buf, nil
}
