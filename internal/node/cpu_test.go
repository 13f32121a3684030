package node

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// goldenCollector builds collector name over each fixture machine and
// compares one scrape with testdata/golden/<fixture>-<name>.prom.
func goldenCollector(t *testing.T, name string, fixtures ...string) {
	t.Helper()
	for _, fixture := range fixtures {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			c := newCollector(t, fixtureEnv(t, filepath.Join("testdata", fixture)), name)
			checkGolden(t, c, fixture+"-"+name)
		})
	}
}

func newCollector(t testing.TB, env Env, name string) Collector {
	t.Helper()
	for _, r := range Registry {
		if r.Name == name {
			c, err := r.New(env)
			if err != nil {
				t.Fatalf("new %s: %v", name, err)
			}
			return c
		}
	}
	t.Fatalf("no collector %q", name)
	return nil
}

// TestCPUGolden: this machine's two CPUs (no sysfs extras), a four-thread
// machine with guest time, thermal throttles, an isolated and an offline
// CPU, and an old kernel with seven columns.
func TestCPUGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "cpu", "cpu-2core", "cpu-4thread", "cpu-old")
}

// writeMachine makes a fixture machine in a temporary directory: files
// maps a path under it (proc/stat, sys/…) to its content.
func writeMachine(t *testing.T, files map[string]string) Env {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sys"), 0o755)
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return fixtureEnv(t, dir)
}

// TestCPUCountersNeverGoBack: a counter that steps back a little (NO_HZ
// idle accounting) is held at its highest value, as node_exporter does; an
// idle time that jumps back by three seconds or more is a CPU unplugged
// and plugged again, whose counters start afresh; an unplugged CPU's
// series go away.
func TestCPUCountersNeverGoBack(t *testing.T) {
	t.Parallel()
	env := writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\ncpu0 500 0 0 1000\ncpu1 500 0 0 1000\n"})
	c := newCollector(t, env, "cpu")
	steps := []struct {
		stat string
		want []string
	}{
		{"cpu 1 1 1 1\ncpu0 500 0 0 1000\ncpu1 500 0 0 1000\n",
			[]string{`{cpu="0",mode="idle"} 10`, `{cpu="0",mode="user"} 5`, `{cpu="1",mode="idle"} 10`}},
		{"cpu 1 1 1 1\ncpu0 499 0 0 990\ncpu1 600 0 0 1100\n",
			[]string{`{cpu="0",mode="idle"} 10`, `{cpu="0",mode="user"} 5`, `{cpu="1",mode="idle"} 11`}},
		{"cpu 1 1 1 1\ncpu0 30 0 0 600\n",
			[]string{`{cpu="0",mode="idle"} 6`, `{cpu="0",mode="user"} 0.3`}},
	}
	for i, s := range steps {
		os.WriteFile(filepath.Join(env.FS.ProcRoot(), "stat"), []byte(s.stat), 0o644)
		got, err := scrape(t, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range s.want {
			if !strings.Contains(got, "node_cpu_seconds_total"+w+"\n") {
				t.Errorf("step %d: lacks node_cpu_seconds_total%s:\n%s", i, w, got)
			}
		}
		if i == 2 && strings.Contains(got, `cpu="1"`) {
			t.Errorf("step %d: offline cpu1 still exported:\n%s", i, got)
		}
	}
}

func TestCPUErrors(t *testing.T) {
	t.Parallel()
	env := writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\ncpu0 x 0 0 1000\n"})
	if _, err := scrape(t, newCollector(t, env, "cpu")); err == nil || !strings.Contains(err.Error(), "stat") {
		t.Errorf("garbage /proc/stat: error %v, want one naming the file", err)
	}
	env = writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\n", "sys/devices/system/cpu/isolated": "1-x\n"})
	for _, r := range Registry {
		if r.Name == "cpu" {
			if _, err := r.New(env); err == nil || !strings.Contains(err.Error(), "isolated") {
				t.Errorf("garbage isolated list: error %v, want one naming the file", err)
			}
		}
	}
}

// benchCollector measures one scrape of collector name over a fixture
// machine, the emit a no-op: what the collector itself costs.
func benchCollector(b *testing.B, fixture, name string) {
	dir := filepath.Join("testdata", fixture)
	fs, err := procfs.NewFS(filepath.Join(dir, "proc"), filepath.Join(dir, "sys"))
	if err != nil {
		b.Fatal(err)
	}
	benchUpdate(b, newCollector(b, Env{FS: fs}, name))
}

func BenchmarkCollectorCPU(b *testing.B) { benchCollector(b, "cpu-4thread", "cpu") }

// BenchmarkCollectorCPU64: /proc/stat of a 64-CPU machine, without the
// sysfs extras: the per-CPU cost of the seconds counters alone.
func BenchmarkCollectorCPU64(b *testing.B) {
	dir := b.TempDir()
	os.MkdirAll(filepath.Join(dir, "proc"), 0o755)
	os.MkdirAll(filepath.Join(dir, "sys"), 0o755)
	var st strings.Builder
	st.WriteString("cpu  64000 640 32000 6400000 640 0 640 0 0 0\n")
	for i := range 64 {
		fmt.Fprintf(&st, "cpu%d 1000%d 10 500 100000 10 0 10 0 0 0\n", i, i)
	}
	st.WriteString("intr 1 0\nctxt 1\nbtime 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n")
	os.WriteFile(filepath.Join(dir, "proc", "stat"), []byte(st.String()), 0o644)
	fs, err := procfs.NewFS(filepath.Join(dir, "proc"), filepath.Join(dir, "sys"))
	if err != nil {
		b.Fatal(err)
	}
	c := newCollector(b, Env{FS: fs}, "cpu")
	emit := func(*reading.Family, float64, ...string) {}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Update(emit); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCPUThrottlesFollowOnline: a CPU offline at the first scrape (no
// topology, no thermal_throttle) has its core's count once it comes
// online, and a core whose first thread goes offline is counted from its
// other thread, as node_exporter reads them at every scrape.
func TestCPUThrottlesFollowOnline(t *testing.T) {
	t.Parallel()
	thread := func(cpu, core string) map[string]string {
		return map[string]string{
			sysCPU + "cpu" + cpu + "/topology/physical_package_id":            "0\n",
			sysCPU + "cpu" + cpu + "/topology/core_id":                        core + "\n",
			sysCPU + "cpu" + cpu + "/thermal_throttle/core_throttle_count":    "1" + core + "\n",
			sysCPU + "cpu" + cpu + "/thermal_throttle/package_throttle_count": "7\n",
		}
	}
	files := map[string]string{"proc/stat": "cpu 1 1 1 1\n", sysCPU + "present": "0-2\n", sysCPU + "cpu2/uevent": ""}
	maps.Copy(files, thread("0", "0"))
	maps.Copy(files, thread("1", "0"))
	dir, write := tempMachine(t, files)
	c := newCollector(t, fixtureEnv(t, dir), "cpu")
	check := func(step string, want ...string) {
		t.Helper()
		got, err := scrape(t, c)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		n := strings.Count(got, "_throttles_total{")
		for _, w := range want {
			if !strings.Contains(got, w+"\n") {
				t.Errorf("%s: lacks %s:\n%s", step, w, got)
			}
		}
		if n != len(want) {
			t.Errorf("%s: %d throttle series, want %d:\n%s", step, n, len(want), got)
		}
	}
	check("cpu2 offline", `node_cpu_core_throttles_total{package="0",core="0"} 10`, `node_cpu_package_throttles_total{package="0"} 7`)
	for p, s := range thread("2", "1") {
		write(p, s)
	}
	check("cpu2 online", `node_cpu_core_throttles_total{package="0",core="0"} 10`, `node_cpu_core_throttles_total{package="0",core="1"} 11`,
		`node_cpu_package_throttles_total{package="0"} 7`)
	for _, sub := range []string{"topology", "thermal_throttle"} {
		if err := os.RemoveAll(filepath.Join(dir, sysCPU, "cpu0", sub)); err != nil {
			t.Fatal(err)
		}
	}
	check("cpu0 offline", `node_cpu_core_throttles_total{package="0",core="0"} 10`, `node_cpu_core_throttles_total{package="0",core="1"} 11`,
		`node_cpu_package_throttles_total{package="0"} 7`)
}
