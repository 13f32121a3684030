package sensor

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestRegistryMatchesReading keeps the registry and the reading vocabulary
// in step: every sensor of reading but the engine's own is registered, in
// the same order, and builds a sensor of its name.
func TestRegistryMatchesReading(t *testing.T) {
	t.Parallel()
	want := slices.DeleteFunc(slices.Clone(reading.Sensors), func(s string) bool { return s == reading.SensorSelf })
	if diff := cmp.Diff(want, Names()); diff != "" {
		t.Errorf("registered sensors mismatch (-reading.Sensors +Registry):\n%s", diff)
	}
	root, fs := copyMachine(t, "normal")
	for _, r := range Registry {
		if r.Interval <= 0 || r.New == nil {
			t.Errorf("%s: interval %v, constructor %v; want both", r.Name, r.Interval, r.New != nil)
			continue
		}
		sn, err := New(r.Name, Env{FS: fs, Rootfs: root})
		if err != nil {
			t.Errorf("New(%q): %v", r.Name, err)
			continue
		}
		if sn.Name() != r.Name {
			t.Errorf("New(%q) built a sensor named %q", r.Name, sn.Name())
		}
	}
	if _, err := New("nope", Env{}); err == nil {
		t.Errorf("New of an unregistered sensor: no error")
	}
}

// TestDefaultInterval checks that every sensor, listed or not, samples on
// one cadence by default, so that their bursts of work coincide.
func TestDefaultInterval(t *testing.T) {
	t.Parallel()
	for _, name := range append(Names(), "other") {
		if got := DefaultInterval(name); got != 2*time.Second {
			t.Errorf("DefaultInterval(%q) = %v, want 2s", name, got)
		}
	}
}
