package procfs

import (
	"bytes"
	"errors"
	"fmt"
)

// PIDStat is what the process walk keeps of one /proc/PID/stat line. Comm
// points into the parsed buffer: copy it before the buffer is reused.
type PIDStat struct {
	PID        int32
	Comm       []byte
	State      byte
	PPID       int32
	UTime      uint64 // clock ticks in user mode
	STime      uint64 // clock ticks in kernel mode
	CUTime     uint64 // clock ticks in user mode of waited-for children, theirs included
	CSTime     uint64 // clock ticks in kernel mode of waited-for children, theirs included
	Nice       int32
	Threads    int32
	StartTicks uint64 // start time in clock ticks after boot
	VSize      uint64 // virtual memory size in bytes
	RSSPages   uint64 // resident set size in pages
}

// ErrStatFormat is wrapped by ParsePIDStat for a line it cannot read.
var ErrStatFormat = errors.New("malformed /proc/PID/stat")

// ParsePIDStat parses one /proc/PID/stat line without allocating. comm may
// hold spaces, parentheses and newlines, so it runs from the first '(' to
// the last ')'; the numeric fields follow, space-separated.
func ParsePIDStat(b []byte) (PIDStat, error) {
	var s PIDStat
	l := bytes.IndexByte(b, '(')
	r := bytes.LastIndexByte(b, ')')
	if l < 1 || r < l {
		return s, fmt.Errorf("%w: no (comm)", ErrStatFormat)
	}
	pid, ok := parseDecimal(bytes.TrimRight(b[:l], " "))
	if !ok || pid > 1<<31-1 {
		return s, fmt.Errorf("%w: bad pid %q", ErrStatFormat, truncated(b[:l]))
	}
	s.PID = int32(pid)
	s.Comm = b[l+1 : r]
	rest := b[r+1:]
	if len(rest) < 3 || rest[0] != ' ' || rest[2] != ' ' {
		return s, fmt.Errorf("%w: no state after comm", ErrStatFormat)
	}
	s.State = rest[1]
	rest = rest[3:]
	// Field 3 is the state; numbering of the remaining fields follows proc(5).
	field := 4
	for field <= 24 && len(rest) > 0 {
		i := 0
		neg := false
		if i < len(rest) && rest[i] == '-' {
			neg = true
			i++
		}
		start := i
		var v uint64
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			d := uint64(rest[i] - '0')
			if v > (1<<64-1-d)/10 {
				return s, fmt.Errorf("%w: field %d overflows", ErrStatFormat, field)
			}
			v = v*10 + d
			i++
		}
		if i == start || (i < len(rest) && rest[i] != ' ' && rest[i] != '\n') {
			return s, fmt.Errorf("%w: field %d is not a number", ErrStatFormat, field)
		}
		switch field {
		case 4:
			if neg || v > 1<<31-1 {
				return s, fmt.Errorf("%w: bad ppid", ErrStatFormat)
			}
			s.PPID = int32(v)
		case 14:
			s.UTime = unsigned(v, neg)
		case 15:
			s.STime = unsigned(v, neg)
		case 16:
			s.CUTime = unsigned(v, neg)
		case 17:
			s.CSTime = unsigned(v, neg)
		case 19:
			if v > 1<<31-1 {
				return s, fmt.Errorf("%w: bad nice", ErrStatFormat)
			}
			s.Nice = int32(v)
			if neg {
				s.Nice = -s.Nice
			}
		case 20:
			if neg || v > 1<<31-1 {
				return s, fmt.Errorf("%w: bad thread count", ErrStatFormat)
			}
			s.Threads = int32(v)
		case 22:
			s.StartTicks = unsigned(v, neg)
		case 23:
			s.VSize = unsigned(v, neg)
		case 24:
			s.RSSPages = unsigned(v, neg)
		}
		field++
		if i >= len(rest) {
			rest = nil
		} else {
			rest = rest[i+1:]
		}
	}
	if field <= 24 {
		return s, fmt.Errorf("%w: %d fields, want at least 24", ErrStatFormat, field-1)
	}
	return s, nil
}

// unsigned clamps a negative kernel value to zero: rss reads -1 in rare
// accounting races, and a negative time makes no sense to show.
func unsigned(v uint64, neg bool) uint64 {
	if neg {
		return 0
	}
	return v
}

// truncated keeps error messages short when a garbage file is huge.
func truncated(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// FormatCmdline turns /proc/PID/cmdline (arguments separated by NULs) into
// one line with spaces. An empty cmdline, as kernel threads and zombies
// have, is shown as "[comm]", the way ps does.
func FormatCmdline(raw []byte, comm string) string {
	raw = bytes.TrimRight(raw, "\x00")
	if len(raw) == 0 {
		return "[" + comm + "]"
	}
	out := []byte(string(raw))
	for i, c := range out {
		// Control characters would break a table row or a terminal.
		if c == 0 || c == '\n' || c == '\t' || c == '\r' {
			out[i] = ' '
		}
	}
	return string(out)
}

// ParseStatusTgid returns the thread group id from a /proc/PID/status file
// ("Tgid:\t1234"): the PID of the process a task belongs to, equal to the
// task's own id only for a process's main thread.
func ParseStatusTgid(b []byte) (int32, error) {
	i := bytes.Index(b, []byte("\nTgid:"))
	switch {
	case i >= 0:
		b = b[i+len("\nTgid:"):]
	case bytes.HasPrefix(b, []byte("Tgid:")):
		b = b[len("Tgid:"):]
	default:
		return 0, errors.New("status: no Tgid line")
	}
	if e := bytes.IndexByte(b, '\n'); e >= 0 {
		b = b[:e]
	}
	v, ok := parseDecimal(bytes.TrimSpace(b))
	if !ok || v > 1<<31-1 {
		return 0, fmt.Errorf("status: bad Tgid %q", truncated(b))
	}
	return int32(v), nil
}

// ParseStatusUID returns the effective uid from a /proc/PID/status file
// ("Uid:\treal\teffective\tsaved\tfs"); ps shows that one as the user.
func ParseStatusUID(b []byte) (uint32, error) {
	i := bytes.Index(b, []byte("\nUid:"))
	if i < 0 {
		if bytes.HasPrefix(b, []byte("Uid:")) {
			i = -1
		} else {
			return 0, errors.New("status: no Uid line")
		}
	}
	line := b[i+len("\nUid:"):]
	if e := bytes.IndexByte(line, '\n'); e >= 0 {
		line = line[:e]
	}
	_, rest := nextField(line)
	euid, _ := nextField(rest)
	if len(euid) == 0 {
		return 0, fmt.Errorf("status: Uid line %q has fewer than 2 fields", truncated(line))
	}
	v, ok := parseDecimal(euid)
	if !ok || v > 1<<32-1 {
		return 0, fmt.Errorf("status: bad effective uid %q", truncated(euid))
	}
	return uint32(v), nil
}

// ParseBootTime returns btime, the boot time in seconds since the epoch,
// from the system-wide /proc/stat.
func ParseBootTime(b []byte) (int64, error) {
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		if rest, ok := bytes.CutPrefix(line, []byte("btime ")); ok {
			v, ok := parseDecimal(bytes.TrimSpace(rest))
			if !ok || v > 1<<62 {
				return 0, fmt.Errorf("stat: bad btime %q", truncated(rest))
			}
			return int64(v), nil
		}
	}
	return 0, errors.New("stat: no btime line")
}

// ParseMemTotal returns MemTotal in bytes from /proc/meminfo.
func ParseMemTotal(b []byte) (uint64, error) {
	i := bytes.Index(b, []byte("MemTotal:"))
	if i < 0 || (i > 0 && b[i-1] != '\n') {
		return 0, errors.New("meminfo: no MemTotal line")
	}
	line := b[i+len("MemTotal:"):]
	if e := bytes.IndexByte(line, '\n'); e >= 0 {
		line = line[:e]
	}
	num, rest := nextField(line)
	unit, _ := nextField(rest)
	if len(num) == 0 {
		return 0, errors.New("meminfo: empty MemTotal")
	}
	v, ok := parseDecimal(num)
	if !ok || v > 1<<53 {
		return 0, fmt.Errorf("meminfo: bad MemTotal %q", truncated(num))
	}
	if string(unit) == "kB" {
		v *= 1024
	}
	return v, nil
}

// ParseUptime returns the first field of /proc/uptime, seconds since boot,
// in hundredths of a second so no float parsing is needed.
func ParseUptime(b []byte) (uint64, error) {
	first, _ := nextField(b)
	if len(first) == 0 {
		return 0, errors.New("uptime: empty")
	}
	whole, frac, _ := bytes.Cut(first, []byte("."))
	w, ok := parseDecimal(whole)
	if !ok || w > 1<<50 {
		return 0, fmt.Errorf("uptime: bad value %q", truncated(first))
	}
	var c uint64
	if len(frac) > 0 {
		if len(frac) > 2 {
			frac = frac[:2]
		}
		v, ok := parseDecimal(frac)
		if !ok {
			return 0, fmt.Errorf("uptime: bad value %q", truncated(first))
		}
		if len(frac) == 1 {
			v *= 10
		}
		c = v
	}
	return w*100 + c, nil
}

// nextField returns the first run of non-blank bytes in b and what follows
// it; unlike bytes.Fields it allocates nothing, which the per-pass reads of
// uptime and meminfo need.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isBlank(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ParseSchedstat returns the run time in nanoseconds and the number of
// times the task was scheduled from /proc/PID/schedstat ("123 456 7"). Both
// move whenever the task gets the CPU, so an unchanged pair says it has not
// run since the last read.
func ParseSchedstat(b []byte) (runtime, slices uint64, err error) {
	run, rest := nextField(b)
	_, rest = nextField(rest) // time spent waiting to run
	cnt, rest := nextField(rest)
	if len(cnt) == 0 || len(bytes.TrimSpace(rest)) > 0 {
		return 0, 0, fmt.Errorf("schedstat: %q is not three numbers", truncated(b))
	}
	var ok1, ok2 bool
	runtime, ok1 = parseDecimal(run)
	slices, ok2 = parseDecimal(cnt)
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("schedstat: %q is not three numbers", truncated(b))
	}
	return runtime, slices, nil
}

// ParseStatusNSpid returns how many PID namespaces the NSpid line of a
// /proc/PID/status lists: 1 when the proc mount belongs to the reader's own
// namespace, more when it is an ancestor's (a container watching its host).
func ParseStatusNSpid(b []byte) (int, error) {
	i := bytes.Index(b, []byte("\nNSpid:"))
	if i < 0 {
		return 0, errors.New("status: no NSpid line")
	}
	line := b[i+len("\nNSpid:"):]
	if e := bytes.IndexByte(line, '\n'); e >= 0 {
		line = line[:e]
	}
	n := 0
	for f, rest := nextField(line); len(f) > 0; f, rest = nextField(rest) {
		if _, ok := parseDecimal(f); !ok {
			return 0, fmt.Errorf("status: bad NSpid %q", truncated(line))
		}
		n++
	}
	if n == 0 {
		return 0, errors.New("status: empty NSpid line")
	}
	return n, nil
}
