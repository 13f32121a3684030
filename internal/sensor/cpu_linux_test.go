package sensor

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// cpuLater is the normal machine's /proc/stat 2 s after the fixture: per core
// 100 user (25 of it guest), 10 nice, 30 system, 40 iowait, 5 irq, 5 softirq,
// 10 steal and 800 idle ticks.
const cpuLater = `cpu  40400 1040 12120 403200 2160 20 520 140 3100 0
cpu0 10100 260 3030 100800 540 5 130 35 775 0
cpu1 10100 260 3030 100800 540 5 130 35 775 0
cpu2 10100 260 3030 100800 540 5 130 35 775 0
cpu3 10100 260 3030 100800 540 5 130 35 775 0
ctxt 684999
btime 1795835552
`

func TestCPUReadNormal(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "normal")
	c := NewCPU(pfs)
	if c.Name() != reading.SensorCPU {
		t.Errorf("Name() = %q", c.Name())
	}
	if _, err := c.Read(context.Background(), cmlNow); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read error = %v, want ErrWarmup", err)
	}
	writeFile(t, filepath.Join(root, "proc", "stat"), cpuLater)
	c.hz = 100 // the golden file is in seconds at USER_HZ 100
	r, err := c.Read(context.Background(), cmlNow.Add(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	// Per core 1000 ticks: busy = 100+10+30+5+5+10 = 160.
	if got["cpu.usage"] != 16 || got[`cpu.mode{mode="iowait"}`] != 4 || got[`cpu.core.usage{cpu="2"}`] != 16 {
		t.Errorf("usage %v, iowait %v, cpu2 %v; want 16, 4, 16", got["cpu.usage"], got[`cpu.mode{mode="iowait"}`], got[`cpu.core.usage{cpu="2"}`])
	}
	cmlCheckBounds(t, r)
	cmlGolden(t, "cpu-normal", cmlText(r))
}

func TestCPURead64Cores(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "cores64")
	c := NewCPU(pfs)
	if _, err := c.Read(context.Background(), cmlNow); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read error = %v, want ErrWarmup", err)
	}
	// Every core does 75 busy ticks out of 100.
	b, err := os.ReadFile(filepath.Join(root, "proc", "stat"))
	if err != nil {
		t.Fatal(err)
	}
	var later strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[0], "cpu") {
			later.WriteString(line + "\n")
			continue
		}
		add := uint64(75)
		idle := uint64(25)
		if f[0] == "cpu" {
			add, idle = 75*64, 25*64
		}
		u, _ := strconv.ParseUint(f[1], 10, 64)
		i, _ := strconv.ParseUint(f[4], 10, 64)
		f[1], f[4] = strconv.FormatUint(u+add, 10), strconv.FormatUint(i+idle, 10)
		later.WriteString(strings.Join(f, " ") + "\n")
	}
	writeFile(t, filepath.Join(root, "proc", "stat"), later.String())
	r, err := c.Read(context.Background(), cmlNow.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	if got["cpu.cores"] != 64 || got["cpu.usage"] != 75 || got[`cpu.core.usage{cpu="63"}`] != 75 {
		t.Errorf("cores %v usage %v cpu63 %v; want 64, 75, 75", got["cpu.cores"], got["cpu.usage"], got[`cpu.core.usage{cpu="63"}`])
	}
	n := 0
	for _, m := range r.Metrics {
		if m.Name == reading.CPUSecondsTotal {
			n++
		}
	}
	if n != 64*8 {
		t.Errorf("%d cpu.seconds_total series, want %d", n, 64*8)
	}
	cmlCheckBounds(t, r)
}

func TestCPUBadStat(t *testing.T) {
	t.Parallel()
	tests := []struct{ machine, want string }{
		{"garbage", `stat: line 1 ("cpu"): field 1: "one" is not a tick count`},
		{"empty", "stat: no aggregate cpu line"},
		{"truncated", `stat: line 2 ("cpu0"): 2 fields, want at least 4`},
	}
	for _, tt := range tests {
		t.Run(tt.machine, func(t *testing.T) {
			t.Parallel()
			c := NewCPU(cmlFS(t, tt.machine))
			for range 2 { // the second read must not succeed on a bad baseline either
				_, err := c.Read(context.Background(), cmlNow)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), filepath.Join(tt.machine, "proc", "stat")) {
					t.Errorf("Read error = %v, want one naming %s and containing %q", err, filepath.Join(tt.machine, "proc", "stat"), tt.want)
				}
			}
		})
	}
}

func TestCPUMissingStat(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "normal")
	c := NewCPU(pfs)
	if err := os.Remove(filepath.Join(root, "proc", "stat")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(context.Background(), cmlNow); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a vanished stat: error %v, want ErrNotExist", err)
	}
}

// cmlOnlineCPUs returns the CPUs online as nproc counts them. nproc counts
// only the CPUs this process may run on; when a cpuset or taskset narrows
// that (a CI container pinned to two CPUs of a larger host), the online
// count, getconf _NPROCESSORS_ONLN, is used instead and
// the difference logged.
func cmlOnlineCPUs(t *testing.T) (int, bool) {
	t.Helper()
	count := func(name string, args ...string) (int, bool) {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(out)))
		return n, err == nil
	}
	n, ok := count("nproc")
	if !ok {
		t.Log("nproc (Debian package coreutils) not run: core count not cross-checked")
		return 0, false
	}
	if online, ok := count("getconf", "_NPROCESSORS_ONLN"); ok && online != n {
		t.Logf("nproc says %d but %d CPUs are online: affinity is narrowed; checking against the online count", n, online)
		return online, true
	}
	return n, true
}

// TestCPUThisMachine reads the real /proc and checks the core count against
// nproc and USER_HZ against getconf.
func TestCPUThisMachine(t *testing.T) {
	t.Parallel()
	pfs := cmlRealFS(t)
	c := NewCPU(pfs)
	if _, err := c.Read(context.Background(), time.Now()); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read error = %v, want ErrWarmup", err)
	}
	time.Sleep(50 * time.Millisecond)
	r, err := c.Read(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cmlCheckBounds(t, r)
	cores, _ := r.Value(reading.CPUCores)
	if n, ok := cmlOnlineCPUs(t); ok && float64(n) != cores {
		t.Errorf("cpu.cores = %v, but %d CPUs are online", cores, n)
	}
	if out, err := exec.Command("getconf", "CLK_TCK").Output(); err != nil {
		t.Logf("getconf not run (%v); USER_HZ not cross-checked", err)
	} else if hz, _ := strconv.Atoi(strings.TrimSpace(string(out))); float64(hz) != c.hz {
		t.Errorf("USER_HZ = %v, getconf CLK_TCK says %d", c.hz, hz)
	}
}

func BenchmarkCPURead(b *testing.B) {
	for _, machine := range []string{"normal", "cores64"} {
		b.Run(machine, func(b *testing.B) {
			c := NewCPU(cmlFS(b, machine))
			c.Read(context.Background(), cmlNow)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Read(context.Background(), cmlNow.Add(time.Second)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("proc", func(b *testing.B) {
		c := NewCPU(cmlRealFS(b))
		c.Read(context.Background(), time.Now())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Read(context.Background(), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCMLMetricNamesInCatalogue keeps the cpu, memory and load sensors to
// the names.go contract: every metric they emit is in reading.Metrics, and
// labels are sorted by name.
func TestCMLMetricNamesInCatalogue(t *testing.T) {
	t.Parallel()
	known := make(map[string]bool)
	for _, n := range reading.Metrics {
		known[n] = true
	}
	root, pfs := copyMachine(t, "cgroup-limits")
	cpu, mem, load := NewCPU(pfs), NewMemory(pfs), NewLoad(pfs)
	cpu.Read(t.Context(), cmlNow)
	mem.Read(t.Context(), cmlNow)
	writeFile(t, filepath.Join(root, "proc", "stat"), cpuLater)
	pod := filepath.Join(root, "sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c")
	writeFile(t, filepath.Join(pod, "cpu.stat"), "usage_usec 5000750000\nnr_throttled 1240\nthrottled_usec 99000000\n")
	later := cmlNow.Add(time.Second)
	for _, s := range []interface {
		Read(context.Context, time.Time) (reading.Reading, error)
	}{cpu, mem, load} {
		r, err := s.Read(t.Context(), later)
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[string]bool)
		for _, m := range r.Metrics {
			if !known[m.Name] {
				t.Errorf("%s emits %s, which is not in reading.Metrics", r.Sensor, m.Name)
			}
			seen[m.Name] = true
			for i := 1; i < len(m.Labels); i++ {
				if m.Labels[i-1].Name >= m.Labels[i].Name {
					t.Errorf("%s: labels not sorted by name: %v", cmlKey(m), m.Labels)
				}
			}
		}
		if !seen[r.Primary] {
			t.Errorf("%s: primary %q is not among its metrics", r.Sensor, r.Primary)
		}
	}
}
