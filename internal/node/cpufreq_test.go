package node

import (
	"errors"
	"strings"
	"testing"
)

// TestCPUFreqGolden: four CPUs, cpu3 offline; cpu0 alone lets us read
// cpuinfo_cur_freq, cpu2 alone has cpuinfo_avg_freq and no list of
// governors.
func TestCPUFreqGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "cpufreq", "cpu-4thread")
}

func TestCPUFreqNoData(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"cpu-2core", "cpu-old"} {
		c := newCollector(t, fixtureEnv(t, "testdata/"+fixture), "cpufreq")
		if got, err := scrape(t, c); !errors.Is(err, ErrNoData) || got != "" {
			t.Errorf("%s without cpufreq: %q, %v; want nothing and ErrNoData", fixture, got, err)
		}
	}
}

func TestCPUFreqGarbage(t *testing.T) {
	t.Parallel()
	env := writeMachine(t, map[string]string{
		"proc/stat": "cpu 1 1 1 1\n",
		"sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq": "fast\n",
	})
	if _, err := scrape(t, newCollector(t, env, "cpufreq")); err == nil || !strings.Contains(err.Error(), "scaling_cur_freq") {
		t.Errorf("garbage frequency: error %v, want one naming the file", err)
	}
}

func BenchmarkCollectorCPUFreq(b *testing.B) { benchCollector(b, "cpu-4thread", "cpufreq") }
