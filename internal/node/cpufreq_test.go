package node

import (
	"os"
	"path/filepath"
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
		if got, err := scrape(t, c); err != nil || got != "" {
			t.Errorf("%s without cpufreq: %q, %v; want nothing and success, as node_exporter", fixture, got, err)
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

// TestCPUFreqSecondScrape: the files found missing or unreadable on the
// first scrape are skipped after it, and the series stay the same.
func TestCPUFreqSecondScrape(t *testing.T) {
	t.Parallel()
	c := newCollector(t, fixtureEnv(t, "testdata/cpu-4thread"), "cpufreq")
	first, err1 := scrape(t, c)
	second, err2 := scrape(t, c)
	if err1 != nil || err2 != nil || first != second || !strings.Contains(second, `node_cpu_frequency_hertz{cpu="0"} 2.1e+09`) {
		t.Errorf("second scrape differs (%v, %v):\n%s\nthen\n%s", err1, err2, first, second)
	}
}

// TestCPUFreqDriverSwitched: a file the first driver lacked is read once
// the policy directory is made anew (a driver switched at runtime), and
// one the new driver lacks is left out.
func TestCPUFreqDriverSwitched(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{
		sysCPU + "present":                                  "0\n",
		sysCPU + "cpu0/cpufreq/scaling_cur_freq":            "1000\n",
		sysCPU + "cpu0/cpufreq/cpuinfo_max_freq":            "3000\n",
		sysCPU + "cpu0/cpufreq/scaling_governor":            "powersave\n",
		sysCPU + "cpu0/cpufreq/scaling_max_freq":            "3000\n",
		sysCPU + "cpu0/cpufreq/scaling_min_freq":            "400\n",
		sysCPU + "cpu0/cpufreq/cpuinfo_min_freq":            "400\n",
		sysCPU + "cpu0/cpufreq/scaling_available_governors": "performance powersave\n",
	})
	c := newCollector(t, fixtureEnv(t, dir), "cpufreq")
	if got, err := scrape(t, c); err != nil || strings.Contains(got, "node_cpu_frequency_hertz") {
		t.Fatalf("first driver: %v\n%s", err, got)
	}
	// The old directory is kept until the new one exists, so the two
	// cannot share an inode number.
	policy := filepath.Join(dir, sysCPU, "cpu0", "cpufreq")
	if err := os.Rename(policy, policy+".old"); err != nil {
		t.Fatal(err)
	}
	write(sysCPU+"cpu0/cpufreq/cpuinfo_cur_freq", "2000\n")
	write(sysCPU+"cpu0/cpufreq/scaling_max_freq", "3000\n")
	got, err := scrape(t, c)
	if err != nil || !strings.Contains(got, `node_cpu_frequency_hertz{cpu="0"} 2e+06`) || strings.Contains(got, "scaling_frequency_hertz") {
		t.Errorf("second driver: %v\n%s", err, got)
	}
}
