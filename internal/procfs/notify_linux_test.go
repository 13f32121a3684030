package procfs

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// TestPressureTriggerOnThisMachine writes a trigger to this machine's
// /proc/pressure/cpu and asks whether it fired. Skipped where the kernel
// has no PSI or refuses the trigger (before 6.4 without privilege).
func TestPressureTriggerOnThisMachine(t *testing.T) {
	t.Parallel()
	p, err := OpenPressureTrigger("/proc/pressure/cpu", "some 150000 2000000")
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) || errors.Is(err, unix.EINVAL) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Fired(); err != nil {
		t.Error(err)
	}
}

// TestInotifyModify watches a file, writes it, and reads the one event.
func TestInotifyModify(t *testing.T) {
	t.Parallel()
	in, err := NewInotify()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	file := filepath.Join(t.TempDir(), "memory.events")
	os.WriteFile(file, []byte("oom_kill 0\n"), 0o644)
	wd, err := in.Add(file, unix.IN_MODIFY)
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := in.Read(nil); err != nil || len(evs) != 0 {
		t.Fatalf("before a change: %v, %v", evs, err)
	}
	os.WriteFile(file, []byte("oom_kill 1\n"), 0o644)
	evs, err := in.Read(nil)
	if err != nil || len(evs) == 0 || evs[0].WD != wd || evs[0].Mask&unix.IN_MODIFY == 0 {
		t.Errorf("after a change: %+v, %v; want IN_MODIFY of watch %d", evs, err, wd)
	}
}

func TestParseInotify(t *testing.T) {
	t.Parallel()
	rec := func(wd int32, mask uint32, name string) []byte {
		n := (len(name) + 4) &^ 3
		b := make([]byte, unix.SizeofInotifyEvent+n)
		binary.NativeEndian.PutUint32(b[0:], uint32(wd))
		binary.NativeEndian.PutUint32(b[4:], mask)
		binary.NativeEndian.PutUint32(b[12:], uint32(n))
		copy(b[unix.SizeofInotifyEvent:], name)
		return b
	}
	b := append(rec(3, unix.IN_MODIFY, ""), rec(4, unix.IN_CREATE, "x.service")...)
	want := []InotifyEvent{{WD: 3, Mask: unix.IN_MODIFY}, {WD: 4, Mask: unix.IN_CREATE, Name: "x.service"}}
	if diff := cmp.Diff(want, parseInotify(nil, b)); diff != "" {
		t.Errorf("parseInotify mismatch (-want +got):\n%s", diff)
	}
	if got := parseInotify(nil, b[:len(b)-2]); len(got) != 1 {
		t.Errorf("a cut record: %+v, want the whole one before it alone", got)
	}
}

func FuzzParseInotify(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 'a', 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, e := range parseInotify(nil, b) {
			if len(e.Name) > len(b) {
				t.Fatalf("name longer than the input: %q", e.Name)
			}
		}
	})
}
