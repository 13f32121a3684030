package procfs

import (
	"bytes"
	"errors"
	"fmt"
)

// LoadAvg is /proc/loadavg.
type LoadAvg struct {
	Load1, Load5, Load15 float64
	Runnable             uint64 // tasks runnable now (the numerator of "1/94")
	Tasks                uint64 // tasks in all (the denominator)
	LastPID              uint64
}

// ParseLoadAvg parses /proc/loadavg ("0.63 0.17 0.05 1/94 11442"). It
// allocates nothing (BenchmarkParseLoadAvg: well under 1 µs). The last PID is
// optional; anything else missing or not a number is an error naming the
// field.
func ParseLoadAvg(b []byte) (LoadAvg, error) {
	var l LoadAvg
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return l, errors.New("empty file")
	}
	names := [...]string{"1-minute load", "5-minute load", "15-minute load"}
	dst := [...]*float64{&l.Load1, &l.Load5, &l.Load15}
	for i, d := range dst {
		var f []byte
		f, b = statCutField(b)
		v, ok := statDecimal(f)
		if !ok {
			return LoadAvg{}, fmt.Errorf("%s: %s is not a number", names[i], statQuote(f))
		}
		*d = v
	}
	var tasks []byte
	tasks, b = statCutField(b)
	run, all, ok := bytes.Cut(tasks, []byte("/"))
	if !ok {
		return LoadAvg{}, fmt.Errorf("tasks: %s is not runnable/total", statQuote(tasks))
	}
	if l.Runnable, ok = parseDecimal(run); !ok {
		return LoadAvg{}, fmt.Errorf("runnable tasks: %s is not a number", statQuote(run))
	}
	if l.Tasks, ok = parseDecimal(all); !ok {
		return LoadAvg{}, fmt.Errorf("total tasks: %s is not a number", statQuote(all))
	}
	if pid, _ := statCutField(b); len(pid) > 0 {
		if l.LastPID, ok = parseDecimal(pid); !ok {
			return LoadAvg{}, fmt.Errorf("last pid: %s is not a number", statQuote(pid))
		}
	}
	return l, nil
}

// statDecimal parses an unsigned decimal such as "12.34" without allocating.
// The kernel prints load and pressure averages with two decimals; more are
// accepted.
func statDecimal(b []byte) (float64, bool) {
	whole, frac, hasDot := bytes.Cut(b, []byte("."))
	if len(whole) == 0 || (hasDot && len(frac) == 0) || len(frac) > 18 {
		return 0, false
	}
	w, ok := parseDecimal(whole)
	if !ok {
		return 0, false
	}
	v := float64(w)
	if hasDot {
		f, ok := parseDecimal(frac)
		if !ok {
			return 0, false
		}
		scale := uint64(1)
		for range len(frac) {
			scale *= 10
		}
		// One division of the whole number of hundredths rounds correctly
		// (168/100 is the float nearest 1.68, as strconv gives); adding
		// 0.68 to 1 does not (1.6800000000000002).
		if w <= (1<<53-f)/scale {
			return float64(w*scale+f) / float64(scale), true
		}
		v += float64(f) / float64(scale)
	}
	return v, true
}

// LoadAvg reads and parses <proc>/loadavg, reusing buf as Stat does. Errors
// name the file.
func (fs FS) LoadAvg(buf []byte) (LoadAvg, []byte, error) {
	path := fs.Proc("loadavg")
	buf, err := fs.read(path, buf)
	if err != nil {
		return LoadAvg{}, buf, err
	}
	l, err := ParseLoadAvg(buf)
	if err != nil {
		return LoadAvg{}, buf, fmt.Errorf("%s: %w", path, err)
	}
	return l, buf, nil
}
