package procfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOOMNotifierRegister: a directory without memory.oom_control is not a
// v1 memory group, one without cgroup.event_control is not the kernel's
// (a fixture: nothing is made there), and a quiet notifier has not fired.
func TestOOMNotifierRegister(t *testing.T) {
	t.Parallel()
	n, err := NewOOMNotifier()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	dir := t.TempDir()
	if err := n.Register(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("register a plain directory: %v, want not exist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "memory.oom_control"), []byte("oom_kill 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := n.Register(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("register without cgroup.event_control: %v, want not exist", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cgroup.event_control")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cgroup.event_control made by Register: %v", err)
	}
	if fired, err := n.Fired(); fired || err != nil {
		t.Errorf("quiet notifier: fired %v, %v", fired, err)
	}
}

// BenchmarkOOMNotifierQuiet is what a v1 host's OOM watch costs a pass
// while no group runs out of memory: one eventfd read that finds nothing.
func BenchmarkOOMNotifierQuiet(b *testing.B) {
	n, err := NewOOMNotifier()
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	for b.Loop() {
		n.Fired()
	}
}
