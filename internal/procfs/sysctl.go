package procfs

import (
	"bytes"
	"fmt"
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
	dir := fs.Sys("devices", "system", "clocksource")
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var out []ClockSource
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "clocksource")
		if !ok || n == "" {
			continue
		}
		if _, ok := parseDecimal([]byte(n)); !ok {
			continue
		}
		avail, err := ReadFile(filepath.Join(dir, e.Name(), "available_clocksource"))
		if err != nil {
			return nil, err
		}
		cur, err := ReadFile(filepath.Join(dir, e.Name(), "current_clocksource"))
		if err != nil {
			return nil, err
		}
		out = append(out, ClockSource{Name: n, Available: strings.Fields(string(avail)), Current: strings.TrimSpace(string(cur))})
	}
	slices.SortFunc(out, func(a, b ClockSource) int { return compareNumbered(a.Name, b.Name) })
	return out, nil
}
