package procfs

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWithHeldFiles: a file read through WithHeldFiles is opened once and
// read again from its start at each call, whole however long, and seen
// as it is now; past maxHeldFiles files are read as without it.
func TestWithHeldFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stat", "")
	write("loadavg", "0.50 0.25 0.10 1/100 42\n")
	fs, err := NewFS(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	fs = fs.WithHeldFiles()
	la, buf, err := fs.LoadAvg(nil)
	if err != nil || la.Load1 != 0.5 {
		t.Fatalf("loadavg: %+v, %v", la, err)
	}
	fd := fs.held.fds[filepath.Join(dir, "loadavg")].fd
	write("loadavg", "1.50 0.25 0.10 1/100 42\n")
	if la, buf, err = fs.LoadAvg(buf); err != nil || la.Load1 != 1.5 || fs.held.fds[filepath.Join(dir, "loadavg")].fd != fd {
		t.Errorf("loadavg again: %+v, %v; descriptor %d then %d", la, err, fd, fs.held.fds[filepath.Join(dir, "loadavg")].fd)
	}
	long := strings.Repeat("x", 20000) + "\n"
	write("big", long)
	if b, err := fs.ReadProcFile(buf[:0:0], "big"); err != nil || string(b) != long {
		t.Errorf("big file: %d bytes, %v; want %d", len(b), err, len(long))
	}
	for i := range maxHeldFiles + 5 {
		write("f"+strconv.Itoa(i), strconv.Itoa(i))
		if b, err := fs.ReadProcFile(nil, "f"+strconv.Itoa(i)); err != nil || string(b) != strconv.Itoa(i) {
			t.Errorf("f%d: %q, %v", i, b, err)
		}
	}
	if n := len(fs.held.fds); n != maxHeldFiles {
		t.Errorf("%d files held, want the bound %d", n, maxHeldFiles)
	}
	if _, err := fs.ReadProcFile(nil, "absent"); !os.IsNotExist(err) {
		t.Errorf("absent file: %v", err)
	}
}

// TestHeldPressure: /proc/pressure/* read through held descriptors parses
// as read by path, again at the next call, and a missing file is still
// ErrNoPressure.
func TestHeldPressure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pressure"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"stat": "", "pressure/cpu": "some avg10=1.00 avg60=0.50 avg300=0.25 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := NewFS(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := PressureFile(filepath.Join(dir, "pressure", "cpu"), nil)
	if err != nil {
		t.Fatal(err)
	}
	held := fs.WithHeldFiles()
	for range 2 {
		got, _, err := held.Pressure("cpu", nil)
		if err != nil || got != want || len(held.held.fds) != 1 {
			t.Errorf("held: %+v, %v, %d held; want %+v", got, err, len(held.held.fds), want)
		}
	}
	if _, _, err := held.Pressure("io", nil); !errors.Is(err, ErrNoPressure) {
		t.Errorf("missing io: %v", err)
	}
}

// TestSweepHeld: a sweep closes the files not read in the heldSweeps
// passes before it, and keeps the others open on the same descriptor.
func TestSweepHeld(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"stat", "a", "b"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := NewFS(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	fs = fs.WithHeldFiles()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		if got, err := fs.ReadFile(p); err != nil || string(got) != filepath.Base(p) {
			t.Fatalf("%s: %q, %v", p, got, err)
		}
	}
	fd := fs.held.fds[a].fd
	fs.SweepHeld()
	for pass := 1; pass <= heldSweeps; pass++ {
		if _, err := fs.ReadFile(a); err != nil {
			t.Fatal(err)
		}
		fs.SweepHeld()
		if _, held := fs.held.fds[b]; held != (pass < heldSweeps) {
			t.Fatalf("b unread for %d passes: held %v", pass, held)
		}
	}
	if len(fs.held.fds) != 1 || fs.held.fds[a].fd != fd {
		t.Errorf("held %v; want a alone, on descriptor %d", fs.held.fds, fd)
	}
}
