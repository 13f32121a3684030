package node

import (
	"errors"
	"testing"
)

// TestPressureGolden: this machine (cpu, io, memory) and a newer kernel
// with cpu's full line, which node_exporter leaves out, and irq.
func TestPressureGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "pressure", "cpu-2core", "cpu-4thread")
}

// TestPressureNoData: no /proc/pressure (old kernel), and a memory file
// without its full line, which node_exporter takes as no data at all.
func TestPressureNoData(t *testing.T) {
	t.Parallel()
	c := newCollector(t, fixtureEnv(t, "testdata/cpu-old"), "pressure")
	if _, err := scrape(t, c); !errors.Is(err, ErrNoData) {
		t.Errorf("old kernel: error %v, want ErrNoData", err)
	}
	env := writeMachine(t, map[string]string{
		"proc/stat":            "cpu 1 1 1 1\n",
		"proc/pressure/memory": "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n",
	})
	if _, err := scrape(t, newCollector(t, env, "pressure")); !errors.Is(err, ErrNoData) {
		t.Errorf("memory without full: error %v, want ErrNoData", err)
	}
	env = writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\n", "proc/pressure/io": "some total=x\n"})
	if _, err := scrape(t, newCollector(t, env, "pressure")); err == nil || errors.Is(err, ErrNoData) {
		t.Errorf("garbage io: error %v, want a failure", err)
	}
}

func BenchmarkCollectorPressure(b *testing.B) { benchCollector(b, "cpu-2core", "pressure") }
