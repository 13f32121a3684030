package procfs

import (
	"bytes"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileNr is /proc/sys/fs/file-nr: file handles allocated and the most the
// kernel will allocate. Its middle field (free handles) has read 0 since
// Linux 2.6 and is skipped.
type FileNr struct {
	Allocated, Maximum uint64
}

// ParseFileNr parses /proc/sys/fs/file-nr: "601\t0\t2466112\n".
func ParseFileNr(b []byte) (FileNr, error) {
	var f [4][]byte
	if n := splitBlanks(bytes.TrimSpace(b), f[:]); n != 3 {
		return FileNr{}, fmt.Errorf("want 3 fields, got %d", n)
	}
	a, ok := parseDecimal(f[0])
	if !ok {
		return FileNr{}, fmt.Errorf("allocated %s is not a number", statQuote(f[0]))
	}
	m, ok := parseDecimal(f[2])
	if !ok {
		return FileNr{}, fmt.Errorf("maximum %s is not a number", statQuote(f[2]))
	}
	return FileNr{Allocated: a, Maximum: m}, nil
}

// FileNr reads and parses <proc>/sys/fs/file-nr, reusing buf.
func (fs FS) FileNr(buf []byte) (FileNr, []byte, error) {
	path := fs.Proc("sys", "fs", "file-nr")
	buf, err := fs.read(path, buf)
	if err != nil {
		return FileNr{}, buf, err
	}
	f, err := ParseFileNr(buf)
	if err != nil {
		return FileNr{}, buf, fmt.Errorf("%s: %w", path, err)
	}
	return f, buf, nil
}

// SysctlUint reads a /proc/sys file that holds one number, such as
// kernel/random/entropy_avail, reusing buf. Errors name the file.
func (fs FS) SysctlUint(name string, buf []byte) (uint64, []byte, error) {
	path := fs.Proc("sys", name)
	buf, err := fs.read(path, buf)
	if err != nil {
		return 0, buf, err
	}
	v, err := ParseCgroupUint(buf)
	if err != nil {
		return 0, buf, fmt.Errorf("%s: %w", path, err)
	}
	return v, buf, nil
}

// SysctlString reads a /proc/sys file that holds one line of text, such as
// kernel/osrelease, without its trailing newline.
func (fs FS) SysctlString(name string) (string, error) {
	b, err := ReadFile(fs.Proc("sys", name))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// ClockSource is one /sys/devices/system/clocksource/clocksourceN
// directory: the clocksources the kernel could use, and the one it does.
type ClockSource struct {
	Name      string
	Available []string
	Current   string
}

// ClockSources reads every clocksourceN directory, in N's order. A machine
// without them (an old kernel, a bare fixture) has none, which is no error.
func (fs FS) ClockSources() ([]ClockSource, error) {
	names, err := fs.ClockSourceNames()
	if err != nil {
		return nil, err
	}
	var out []ClockSource
	for _, n := range names {
		dir := fs.Sys("devices", "system", "clocksource", "clocksource"+n)
		avail, err := ReadFile(filepath.Join(dir, "available_clocksource"))
		if err != nil {
			return nil, err
		}
		cur, err := ReadFile(filepath.Join(dir, "current_clocksource"))
		if err != nil {
			return nil, err
		}
		out = append(out, ClockSource{Name: n, Available: strings.Fields(string(avail)), Current: strings.TrimSpace(string(cur))})
	}
	return out, nil
}

// ClockSourceNames lists the N of every clocksourceN directory, in N's
// order; none, and no error, without the directory.
func (fs FS) ClockSourceNames() ([]string, error) {
	entries, err := os.ReadDir(fs.Sys("devices", "system", "clocksource"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "clocksource")
		if !ok || n == "" {
			continue
		}
		if _, ok := parseDecimal([]byte(n)); !ok {
			continue
		}
		names = append(names, n)
	}
	slices.SortFunc(names, compareNumbered)
	return names, nil
}

// Indexes of a clocksource's attributes in ClockSourceHeld.
const (
	csAvailable = iota
	csCurrent
	csAttrs
)

// ClockSourceHeld holds clocksourceN's (n is N) two attribute files open
// for ReadClockSourceHeld.
func (fs FS) ClockSourceHeld(n string) *HeldAttrs {
	return NewHeldAttrs(fs.Sys("devices", "system", "clocksource", "clocksource"+n), csAttrs)
}

// ReadClockSourceHeld reads the clocksource h holds into cs (whose Name it
// leaves alone), reusing buf. Available and Current keep their strings
// while the text reads the same, so an unchanged clocksource allocates
// nothing. An attribute that cannot be read, missing ones included, is an
// error wrapping fs.ErrNotExist for a missing one.
func ReadClockSourceHeld(h *HeldAttrs, cs *ClockSource, buf []byte) ([]byte, error) {
	buf, err := heldClockAttr(h, csAvailable, "available_clocksource", buf)
	if err != nil {
		return buf, err
	}
	if !sameFields(buf, cs.Available) {
		cs.Available = strings.Fields(string(buf))
	}
	if buf, err = heldClockAttr(h, csCurrent, "current_clocksource", buf); err != nil {
		return buf, err
	}
	if cur := bytes.TrimSpace(buf); string(cur) != cs.Current {
		cs.Current = string(cur)
	}
	return buf, nil
}

func heldClockAttr(h *HeldAttrs, i int, name string, buf []byte) ([]byte, error) {
	buf, missing, err := h.Attr(i, name, buf)
	if err == nil && missing {
		err = &iofs.PathError{Op: "read", Path: filepath.Join(h.dir, name), Err: iofs.ErrNotExist}
	}
	return buf, err
}

// sameFields reports whether strings.Fields of b would be fields. It
// splits at spaces, tabs and newlines only: a field holding any other
// space is never one of strings.Fields', so the answer is then false,
// which costs only a new parse.
func sameFields(b []byte, fields []string) bool {
	i := 0
	for {
		b = bytes.TrimLeft(b, " \t\n")
		if len(b) == 0 {
			return i == len(fields)
		}
		end := bytes.IndexAny(b, " \t\n")
		if end < 0 {
			end = len(b)
		}
		if i == len(fields) || string(b[:end]) != fields[i] {
			return false
		}
		b, i = b[end:], i+1
	}
}
