package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sysCPU = "sys/devices/system/cpu/"

// listedCPUs is what d lists, as cpuN names.
func listedCPUs(t *testing.T, d *cpuDirs) []string {
	t.Helper()
	dirs, err := d.list()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, p := range dirs {
		names = append(names, filepath.Base(p))
	}
	return names
}

// TestCPUDirsFollowPresent: the listing is kept while present reads the
// same, made again when it changes (a CPU added, a CPU removed), and not
// kept while a present CPU lacks its directory (a hot-add half done).
func TestCPUDirsFollowPresent(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{
		sysCPU + "present":      "0-1\n",
		sysCPU + "cpu0/uevent":  "",
		sysCPU + "cpu1/uevent":  "",
		sysCPU + "cpufreq/.dir": "",
	})
	d := newCPUDirs(fixtureEnv(t, dir).FS)
	steps := []struct {
		name   string
		change func()
		want   []string
	}{
		{"first", func() {}, []string{"cpu0", "cpu1"}},
		// Not a state the kernel shows: it proves the listing is kept.
		{"directory without present", func() { write(sysCPU+"cpu10/uevent", "") }, []string{"cpu0", "cpu1"}},
		{"added", func() { write(sysCPU+"present", "0-1,10\n") }, []string{"cpu0", "cpu1", "cpu10"}},
		{"removed", func() {
			os.RemoveAll(filepath.Join(dir, sysCPU+"cpu1"))
			write(sysCPU+"present", "0,10\n")
		}, []string{"cpu0", "cpu10"}},
		{"present before its directory", func() { write(sysCPU+"present", "0-1,10\n") }, []string{"cpu0", "cpu10"}},
		{"directory registered", func() { write(sysCPU+"cpu1/uevent", "") }, []string{"cpu0", "cpu1", "cpu10"}},
		{"kept again", func() { os.RemoveAll(filepath.Join(dir, sysCPU+"cpu10")) }, []string{"cpu0", "cpu1", "cpu10"}},
		{"dropped", func() { d.drop() }, []string{"cpu0", "cpu1"}},
	}
	for _, s := range steps {
		s.change()
		if diff := cmp.Diff(s.want, listedCPUs(t, d)); diff != "" {
			t.Errorf("%s: listing mismatch (-want +got):\n%s", s.name, diff)
		}
	}
}

// TestCPUDirsWithoutPresent: a tree without present is listed every call.
func TestCPUDirsWithoutPresent(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{sysCPU + "cpu0/uevent": ""})
	d := newCPUDirs(fixtureEnv(t, dir).FS)
	listedCPUs(t, d)
	write(sysCPU+"cpu1/uevent", "")
	if diff := cmp.Diff([]string{"cpu0", "cpu1"}, listedCPUs(t, d)); diff != "" {
		t.Errorf("listing mismatch (-want +got):\n%s", diff)
	}
}

// TestCPUHotplugBetweenScrapes: a CPU added, offlined and removed between
// two scrapes shows at the next one in the cpufreq and cpu collectors'
// series, as node_exporter lists the directories at every scrape.
func TestCPUHotplugBetweenScrapes(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"proc/stat":        "cpu 1 1 1 1\ncpu0 1 1 1 1\ncpu1 1 1 1 1\n",
		sysCPU + "present": "0-1\n",
		sysCPU + "offline": "\n",
	}
	for _, n := range []string{"0", "1"} {
		files[sysCPU+"cpu"+n+"/online"] = "1\n"
		files[sysCPU+"cpu"+n+"/cpufreq/scaling_cur_freq"] = "1000\n"
	}
	dir, write := tempMachine(t, files)
	env := fixtureEnv(t, dir)
	freq, cpu := newCollector(t, env, "cpufreq"), newCollector(t, env, "cpu")
	check := func(step string, want, unwanted []string) {
		t.Helper()
		a, err1 := scrape(t, freq)
		b, err2 := scrape(t, cpu)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", step, err1, err2)
		}
		for _, w := range want {
			if !strings.Contains(a+b, w+"\n") {
				t.Errorf("%s: lacks %s:\n%s%s", step, w, a, b)
			}
		}
		for _, u := range unwanted {
			if strings.Contains(a+b, u) {
				t.Errorf("%s: still has %s:\n%s%s", step, u, a, b)
			}
		}
	}
	check("boot", []string{`node_cpu_scaling_frequency_hertz{cpu="1"} 1e+06`, `node_cpu_online{cpu="1"} 1`}, []string{`cpu="2"`})

	// Hot-added: present first, then the directory, offline until
	// onlined.
	write(sysCPU+"present", "0-2\n")
	write(sysCPU+"offline", "2\n")
	write(sysCPU+"cpu2/online", "0\n")
	check("added offline", []string{`node_cpu_online{cpu="2"} 0`}, []string{`node_cpu_scaling_frequency_hertz{cpu="2"}`})
	write(sysCPU+"offline", "\n")
	write(sysCPU+"cpu2/online", "1\n")
	write(sysCPU+"cpu2/cpufreq/scaling_cur_freq", "2000\n")
	write("proc/stat", "cpu 1 1 1 1\ncpu0 1 1 1 1\ncpu1 1 1 1 1\ncpu2 1 1 1 1\n")
	check("onlined", []string{`node_cpu_scaling_frequency_hertz{cpu="2"} 2e+06`, `node_cpu_online{cpu="2"} 1`}, nil)

	// Offlined: its cpufreq directory may stay; node_exporter skips it.
	write(sysCPU+"offline", "1\n")
	write(sysCPU+"cpu1/online", "0\n")
	write("proc/stat", "cpu 1 1 1 1\ncpu0 1 1 1 1\ncpu2 1 1 1 1\n")
	check("offlined", []string{`node_cpu_online{cpu="1"} 0`}, []string{`node_cpu_scaling_frequency_hertz{cpu="1"}`})

	// Removed: the directory goes, and then present no longer has it.
	if err := os.RemoveAll(filepath.Join(dir, sysCPU+"cpu1")); err != nil {
		t.Fatal(err)
	}
	check("directory removed", nil, []string{`cpu="1"`})
	write(sysCPU+"present", "0,2\n")
	check("removed", nil, []string{`cpu="1"`})
}
