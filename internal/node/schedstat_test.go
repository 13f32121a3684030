package node

import (
	"errors"
	"testing"
)

func TestSchedstatGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "schedstat", "cpu-4thread")
}

// TestSchedstatNoData: a kernel without CONFIG_SCHEDSTATS, as this
// machine's, has no /proc/schedstat.
func TestSchedstatNoData(t *testing.T) {
	t.Parallel()
	c := newCollector(t, fixtureEnv(t, "testdata/cpu-2core"), "schedstat")
	if _, err := scrape(t, c); !errors.Is(err, ErrNoData) {
		t.Errorf("no schedstat: error %v, want ErrNoData", err)
	}
	env := writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\n", "proc/schedstat": "cpu0 1 2\n"})
	if _, err := scrape(t, newCollector(t, env, "schedstat")); err == nil || errors.Is(err, ErrNoData) {
		t.Errorf("short cpu line: error %v, want a failure", err)
	}
}

func BenchmarkCollectorSchedstat(b *testing.B) { benchCollector(b, "cpu-4thread", "schedstat") }
