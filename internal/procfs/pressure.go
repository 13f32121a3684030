package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// PressureLine is one line of a pressure stall information file: the share of
// time in %, averaged over 10 s, 60 s and 300 s, that some (or all) non-idle
// tasks were stalled on the resource, and the total stall time in µs.
type PressureLine struct {
	Avg10, Avg60, Avg300 float64
	TotalMicros          uint64
}

// Pressure is a PSI file: /proc/pressure/{cpu,memory,io,irq} or a cgroup's
// {cpu,memory,io}.pressure. HasFull is false for cpu on kernels before 5.13,
// which print only the "some" line; HasSome is false for irq, which prints
// only the "full" one.
type Pressure struct {
	Some             PressureLine
	Full             PressureLine
	HasSome, HasFull bool
}

// ParsePressure parses a PSI file without allocating. Keys it does not know
// are skipped, so a future kernel's extra column does not break it; a line
// that is neither "some" nor "full", a file with neither, or a bad number is
// an error naming the line.
func ParsePressure(b []byte) (Pressure, error) {
	var p Pressure
	lineNo := 0
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		lineNo++
		kind, rest := statCutField(line)
		var dst *PressureLine
		switch string(kind) {
		case "":
			continue
		case "some":
			dst, p.HasSome = &p.Some, true
		case "full":
			dst, p.HasFull = &p.Full, true
		default:
			return Pressure{}, fmt.Errorf("line %d: %s is neither some nor full", lineNo, statQuote(kind))
		}
		if err := parsePressureLine(rest, dst); err != nil {
			return Pressure{}, fmt.Errorf("line %d (%s): %w", lineNo, kind, err)
		}
	}
	if !p.HasSome && !p.HasFull {
		return Pressure{}, errors.New("no \"some\" or \"full\" line (empty or truncated)")
	}
	return p, nil
}

func parsePressureLine(b []byte, l *PressureLine) error {
	var seen uint8 // one bit per required key
	for {
		var f []byte
		f, b = statCutField(b)
		if len(f) == 0 {
			break
		}
		key, val, ok := bytes.Cut(f, []byte("="))
		if !ok {
			return fmt.Errorf("%s is not key=value", statQuote(f))
		}
		var dst *float64
		switch string(key) {
		case "avg10":
			dst, seen = &l.Avg10, seen|1
		case "avg60":
			dst, seen = &l.Avg60, seen|2
		case "avg300":
			dst, seen = &l.Avg300, seen|4
		case "total":
			v, ok := parseDecimal(val)
			if !ok {
				return fmt.Errorf("total: %s is not a number", statQuote(val))
			}
			l.TotalMicros = v
			seen |= 8
			continue
		default:
			continue
		}
		v, ok := statDecimal(val)
		if !ok {
			return fmt.Errorf("%s: %s is not a number", key, statQuote(val))
		}
		*dst = v
	}
	if seen != 15 {
		return errors.New("want avg10, avg60, avg300 and total")
	}
	return nil
}

// ErrNoPressure means the kernel has no pressure stall information: built
// without CONFIG_PSI (no /proc/pressure), or booted with psi=0 (the files
// exist but refuse to be read).
var ErrNoPressure = errors.New("no pressure stall information")

// PressureFile reads and parses a PSI file at path, reusing buf as Stat
// does. A missing or disabled file is ErrNoPressure; other errors name the
// file.
func PressureFile(path string, buf []byte) (Pressure, []byte, error) {
	return FS{}.pressureFile(path, buf)
}

// Pressure is PressureFile of /proc/pressure/<resource>, read through a
// held descriptor when fs has them (WithHeldFiles).
func (fs FS) Pressure(resource string, buf []byte) (Pressure, []byte, error) {
	return fs.pressureFile(fs.Proc("pressure", resource), buf)
}

// PressureFile is the package's PressureFile, through fs's held
// descriptors when it has them (a cgroup's pressure files).
func (fs FS) PressureFile(path string, buf []byte) (Pressure, []byte, error) {
	return fs.pressureFile(path, buf)
}

func (fs FS) pressureFile(path string, buf []byte) (Pressure, []byte, error) {
	buf, err := fs.read(path, buf)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.EOPNOTSUPP) {
		return Pressure{}, buf, fmt.Errorf("%s: %w", path, ErrNoPressure)
	}
	if err != nil {
		return Pressure{}, buf, err
	}
	p, err := ParsePressure(buf)
	if err != nil {
		return Pressure{}, buf, fmt.Errorf("%s: %w", path, err)
	}
	return p, buf, nil
}
