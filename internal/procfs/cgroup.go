package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrNoCgroupV2 means /proc/self/cgroup has no "0::" line: the process is on
// a cgroup v1-only host, and there are no v2 limits to report.
var ErrNoCgroupV2 = errors.New("no cgroup v2 entry")

// ParseSelfCgroup returns the cgroup v2 path ("0::/path") from a
// /proc/PID/cgroup file, relative to the cgroup2 mount. A path that climbs
// out of the mount ("/../..", seen when the reader sits in another cgroup
// namespace) is returned as "/": the mount root is then the best guess.
func ParseSelfCgroup(b []byte) (string, error) {
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		rest, ok := bytes.CutPrefix(line, []byte("0::"))
		if !ok {
			continue
		}
		p := string(bytes.TrimSpace(rest))
		if !strings.HasPrefix(p, "/") {
			return "", fmt.Errorf("cgroup v2 path %s is not absolute", statQuote(rest))
		}
		if strings.Contains(p, "/..") {
			return "/", nil
		}
		p = strings.TrimSuffix(p, " (deleted)")
		return p, nil
	}
	return "", ErrNoCgroupV2
}

// ParseCgroupMax parses a cgroup v2 limit file such as memory.max: a number,
// or "max" for no limit (limited is then false).
func ParseCgroupMax(b []byte) (v uint64, limited bool, err error) {
	f, _ := statCutField(bytes.TrimSpace(b))
	if string(f) == "max" {
		return 0, false, nil
	}
	v, ok := parseDecimal(f)
	if !ok {
		return 0, false, fmt.Errorf("%s is neither a number nor \"max\"", statQuote(f))
	}
	return v, true, nil
}

// ParseCgroupUint parses a cgroup v2 file holding one number, such as
// memory.current.
func ParseCgroupUint(b []byte) (uint64, error) {
	f := bytes.TrimSpace(b)
	v, ok := parseDecimal(f)
	if !ok {
		return 0, fmt.Errorf("%s is not a number", statQuote(f))
	}
	return v, nil
}

// CPUMax is a cgroup v2 cpu.max file: the group may run QuotaMicros of CPU
// time every PeriodMicros. Limited is false for "max", no quota.
type CPUMax struct {
	QuotaMicros, PeriodMicros uint64
	Limited                   bool
}

// Cores returns how many CPUs' worth of time the quota allows (1.5 for
// "150000 100000"), or 0 without a limit.
func (c CPUMax) Cores() float64 {
	if !c.Limited || c.PeriodMicros == 0 {
		return 0
	}
	return float64(c.QuotaMicros) / float64(c.PeriodMicros)
}

// ParseCPUMax parses cpu.max ("max 100000" or "50000 100000"). The period
// is optional, as the kernel accepts writing the quota alone; it defaults to
// the kernel's 100000 µs.
func ParseCPUMax(b []byte) (CPUMax, error) {
	q, rest := statCutField(b)
	per, _ := statCutField(rest)
	c := CPUMax{PeriodMicros: 100000}
	if len(per) > 0 {
		v, ok := parseDecimal(per)
		if !ok || v == 0 {
			return CPUMax{}, fmt.Errorf("period %s is not a positive number", statQuote(per))
		}
		c.PeriodMicros = v
	}
	if string(bytes.TrimSpace(q)) == "max" {
		return c, nil
	}
	v, ok := parseDecimal(bytes.TrimSpace(q))
	if !ok {
		return CPUMax{}, fmt.Errorf("quota %s is neither a number nor \"max\"", statQuote(q))
	}
	c.QuotaMicros, c.Limited = v, true
	return c, nil
}

// CgroupCPUStat is a cgroup v2 cpu.stat file. The throttling fields exist
// only when the cpu controller is enabled for the group.
type CgroupCPUStat struct {
	UsageMicros, UserMicros, SystemMicros uint64
	Periods, Throttled                    uint64 // nr_periods, nr_throttled
	ThrottledMicros                       uint64
	HasThrottling                         bool
}

// ParseCgroupCPUStat parses cpu.stat ("usage_usec 93435945" lines). Keys it
// does not know are skipped; a known key with a bad value, or a file without
// usage_usec, is an error naming the line.
func ParseCgroupCPUStat(b []byte) (CgroupCPUStat, error) {
	keys := [...]string{"usage_usec", "user_usec", "system_usec", "nr_periods", "nr_throttled", "throttled_usec"}
	var v [len(keys)]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	if err != nil {
		return CgroupCPUStat{}, err
	}
	if seen&1 == 0 {
		return CgroupCPUStat{}, errors.New("no usage_usec line (empty or truncated)")
	}
	return CgroupCPUStat{
		UsageMicros: v[0], UserMicros: v[1], SystemMicros: v[2],
		Periods: v[3], Throttled: v[4], ThrottledMicros: v[5],
		HasThrottling: seen&(1<<4) != 0,
	}, nil
}

// scanKeyUints walks "key value" lines, the shape of cgroup v2 stat and
// event files, storing the value of keys[i] in vals[i] and setting bit i of
// seen; other keys are skipped. A known key whose value is not a number is an
// error naming the line. Plain slices rather than a callback keep the
// callers' results on the stack.
func scanKeyUints(b []byte, keys []string, vals []uint64) (seen uint64, err error) {
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		key, rest := statCutField(line)
		i := 0
		for i < len(keys) && string(key) != keys[i] {
			i++
		}
		if i == len(keys) {
			continue
		}
		v, _ := statCutField(rest)
		n, ok := parseDecimal(v)
		if !ok {
			return 0, fmt.Errorf("line %d (%s): %s is not a number", lineNo, key, statQuote(v))
		}
		vals[i], seen = n, seen|1<<i
	}
	return seen, nil
}

// ParseCPUList counts the CPUs in a kernel CPU list such as
// /sys/devices/system/cpu/online ("0-3,8,10-11" is 7).
func ParseCPUList(b []byte) (int, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return 0, errors.New("empty CPU list")
	}
	n := 0
	if err := cpuListRanges(b, func(lo, hi uint64) { n += int(hi-lo) + 1 }); err != nil {
		return 0, err
	}
	return n, nil
}

// AppendCPUList appends the CPUs of a kernel CPU list, such as
// /sys/devices/system/cpu/isolated, to dst in list order; an empty list
// (no CPU isolated) appends none.
func AppendCPUList(dst []int, b []byte) ([]int, error) {
	start := len(dst)
	err := cpuListRanges(b, func(lo, hi uint64) {
		for c := lo; c <= hi; c++ {
			dst = append(dst, int(c))
		}
	})
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// cpuListRanges calls each for every lo-hi range (a single CPU is lo-lo)
// of a CPU list, refusing garbage and implausibly large lists.
func cpuListRanges(b []byte, each func(lo, hi uint64)) error {
	b = bytes.TrimSpace(b)
	total := uint64(0)
	for len(b) > 0 {
		var r []byte
		if i := bytes.IndexByte(b, ','); i >= 0 {
			r, b = b[:i], b[i+1:]
		} else {
			r, b = b, nil
		}
		lo, hi, isRange := bytes.Cut(r, []byte("-"))
		l, ok := parseDecimal(lo)
		if !ok {
			return fmt.Errorf("CPU list: %s is not a CPU number", statQuote(r))
		}
		h := l
		if isRange {
			if h, ok = parseDecimal(hi); !ok || h < l {
				return fmt.Errorf("CPU list: %s is not a range", statQuote(r))
			}
		}
		if h-l >= 1<<20 {
			return fmt.Errorf("CPU list: range %s is implausibly large", statQuote(r))
		}
		if total += h - l + 1; total > 1<<20 {
			return errors.New("CPU list: implausibly many CPUs")
		}
		each(l, h)
	}
	return nil
}

// CgroupMemStat is the part of a cgroup v2 memory.stat file vigia uses, in
// bytes.
type CgroupMemStat struct {
	Anon, File, InactiveFile uint64
	HasInactiveFile          bool
}

// ParseCgroupMemStat parses memory.stat ("anon 1234" lines). Keys it does not
// know are skipped; a known key with a bad value is an error naming the line.
func ParseCgroupMemStat(b []byte) (CgroupMemStat, error) {
	keys := [...]string{"anon", "file", "inactive_file"}
	var v [len(keys)]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	if err != nil {
		return CgroupMemStat{}, err
	}
	return CgroupMemStat{Anon: v[0], File: v[1], InactiveFile: v[2], HasInactiveFile: seen&(1<<2) != 0}, nil
}

// CgroupMemEvents is the part of a cgroup v2 memory.events file vigia uses.
// On v1, which has no such file, only Max (memory.failcnt) and OOMKill
// (memory.oom_control) are known, as HasMax and HasOOMKill say.
type CgroupMemEvents struct {
	High, Max, OOM, OOMKill uint64 // times over memory.high, at memory.max, OOM, processes killed
	HasOOMKill, HasMax      bool
}

// ParseCgroupMemEvents parses memory.events ("oom_kill 3" lines). Keys it
// does not know are skipped; a known key with a bad value is an error naming
// the line.
func ParseCgroupMemEvents(b []byte) (CgroupMemEvents, error) {
	keys := [...]string{"high", "max", "oom", "oom_kill"}
	var v [len(keys)]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	if err != nil {
		return CgroupMemEvents{}, err
	}
	return CgroupMemEvents{High: v[0], Max: v[1], OOM: v[2], OOMKill: v[3], HasOOMKill: seen&(1<<3) != 0}, nil
}
