package sensor

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestPressureWatchPolled: over a fixture tree, which takes no trigger
// (and is left as it was), the watch polls avg10 and says a crossing of
// 7.5 % once, then again only after a quiet spell.
func TestPressureWatchPolled(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, dir := range []string{"proc/pressure", "sys"} {
		os.MkdirAll(filepath.Join(root, dir), 0o755)
	}
	writeFile(t, filepath.Join(root, "proc", "stat"), "cpu 1 2 3 4\n")
	memory := filepath.Join(root, "proc", "pressure", "memory")
	psi := func(avg10 string) string {
		return "some avg10=" + avg10 + " avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
	}
	writeFile(t, memory, psi("1.00"))
	pfs, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	w := newPressureWatch(pfs)
	t.Cleanup(func() { w.Close() })
	if b, _ := os.ReadFile(memory); string(b) != psi("1.00") {
		t.Fatalf("the fixture was written to: %q", b)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	steps := []struct {
		avg10 string
		want  []reading.Event
	}{
		{"1.00", nil},
		{"12.50", []reading.Event{{Time: t0.Add(2 * time.Second), Kind: reading.EventPressure, Resource: "memory", Value: 12.5}}},
		{"20.00", nil}, // the same stretch
		{"0.50", nil},
	}
	for i, s := range steps {
		writeFile(t, memory, psi(s.avg10))
		got, err := w.Poll(t0.Add(time.Duration(i)*2*time.Second), nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("step %d (avg10 %s) mismatch (-want +got):\n%s", i, s.avg10, diff)
		}
	}
	writeFile(t, memory, psi("9.00"))
	if got, _ := w.Poll(t0.Add(time.Minute), nil); len(got) != 1 {
		t.Errorf("a crossing after a quiet minute: %+v, want one event", got)
	}
}
