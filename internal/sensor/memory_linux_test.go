package sensor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

const kib = 1024

func TestMemoryReadNormal(t *testing.T) {
	t.Parallel()
	m := NewMemory(cmlFS(t, "normal"))
	if m.Name() != reading.SensorMemory {
		t.Errorf("Name() = %q", m.Name())
	}
	r, err := m.Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	total, avail := 16318480.0*kib, 9871236.0*kib
	want := map[string]float64{
		"memory.total":        total,
		"memory.available":    avail,
		"memory.used":         total - avail,
		"memory.used_percent": (total - avail) / total * 100,
		"memory.free":         2114680 * kib,
		"memory.buffers":      412944 * kib,
		"memory.cached":       (7321588 + 522040) * kib,
		"swap.total":          8388604 * kib,
		"swap.used":           (8388604 - 7864316) * kib,
		"swap.used_percent":   (8388604.0 - 7864316) / 8388604 * 100,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if got[`memory.meminfo{field="Active(anon)"}`] != 3718084*kib || got[`memory.meminfo{field="HugePages_Total"}`] != 0 {
		t.Errorf("meminfo fields Active(anon) %v, HugePages_Total %v", got[`memory.meminfo{field="Active(anon)"}`], got[`memory.meminfo{field="HugePages_Total"}`])
	}
	// Every cgroup on the way up says "max": no cgroup metrics.
	for k := range got {
		if strings.HasPrefix(k, "cgroup.") {
			t.Errorf("unlimited cgroup reported %s", k)
		}
	}
	if r.Note != "" {
		t.Errorf("Note = %q, want none", r.Note)
	}
	cmlCheckBounds(t, r)
	cmlGolden(t, "memory-normal", cmlText(r))
}

func TestMemoryReadOldKernel(t *testing.T) {
	t.Parallel()
	r, err := NewMemory(cmlFS(t, "old-kernel")).Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	// No MemAvailable: free + buffers + cached + reclaimable slab − shmem.
	avail := (101540.0 + 130280 + 980588 + 139548 - 20304) * kib
	if got["memory.available"] != avail || got["memory.used"] != 1988536*kib-avail {
		t.Errorf("available %v used %v; want %v and %v", got["memory.available"], got["memory.used"], avail, 1988536*kib-avail)
	}
	cmlCheckBounds(t, r)
}

func TestMemAvailableFallbackBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mi   procfs.MemInfo
		want uint64
	}{
		{"shmem larger than the cache", procfs.MemInfo{MemTotal: 100, MemFree: 10, Cached: 5, Shmem: 50}, 10},
		{"estimate above total", procfs.MemInfo{MemTotal: 100, MemFree: 90, Cached: 50}, 100},
		{"reported above total", procfs.MemInfo{MemTotal: 100, MemAvailable: 120, HasAvailable: true}, 100},
	}
	for _, tt := range tests {
		if got := memAvailable(&tt.mi); got != tt.want {
			t.Errorf("%s: memAvailable = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestMemoryCgroupLimits(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "cgroup-limits")
	m := NewMemory(pfs)
	r, err := m.Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	// The container's 512 MiB is tighter than the pod's 1 GiB; the pod's
	// 1.5-core quota is the only CPU limit.
	want := map[string]float64{
		"cgroup.memory.max":     536870912,
		"cgroup.memory.current": 402653184,
		// 384 MiB charged, 64 MiB of it inactive page cache: 320 of 512 MiB.
		"cgroup.memory.used_percent":                                     62.5,
		"cgroup.memory.oom_kills_total":                                  2,
		"cgroup.cpu.quota_cores":                                         1.5,
		"cgroup.cpu.nr_throttled_total":                                  1234,
		"cgroup.cpu.throttled_seconds_total":                             98.765432,
		`cgroup.pressure{kind="some",resource="cpu",window="avg10"}`:     35.2,
		`cgroup.pressure{kind="full",resource="memory",window="avg300"}`: 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, ok := got["cgroup.cpu.usage_percent"]; ok {
		t.Errorf("first read has a CPU usage without a baseline")
	}

	// One second later the pod used 0.75 CPU-seconds: half its quota.
	pod := filepath.Join(root, "sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c")
	writeFile(t, filepath.Join(pod, "cpu.stat"), "usage_usec 5000750000\nuser_usec 4000500000\nsystem_usec 1000250000\nnr_periods 80010\nnr_throttled 1240\nthrottled_usec 99000000\n")
	r, err = m.Read(context.Background(), cmlNow.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got = cmlValues(r)
	if got["cgroup.cpu.usage_percent"] != 50 || got["cgroup.cpu.nr_throttled_total"] != 1240 {
		t.Errorf("second read: usage %v%%, throttled %v; want 50%% and 1240", got["cgroup.cpu.usage_percent"], got["cgroup.cpu.nr_throttled_total"])
	}
	cmlCheckBounds(t, r)
	cmlGolden(t, "memory-cgroup-limits", cmlText(r))
}

func TestMemoryNoCgroupV2(t *testing.T) {
	t.Parallel()
	for _, machine := range []string{"cores64", "old-kernel"} {
		r, err := NewMemory(cmlFS(t, machine)).Read(context.Background(), cmlNow)
		if err != nil {
			t.Fatalf("%s: %v", machine, err)
		}
		for k := range cmlValues(r) {
			if strings.HasPrefix(k, "cgroup.") {
				t.Errorf("%s: reported %s without a cgroup v2 limit", machine, k)
			}
		}
		if r.Note != "" {
			t.Errorf("%s: Note = %q, want none", machine, r.Note)
		}
	}
}

func TestMemoryBadMeminfo(t *testing.T) {
	t.Parallel()
	tests := []struct{ machine, want string }{
		{"garbage", `meminfo: line 1 (MemTotal): "lots" is not a number`},
		{"empty", "meminfo: empty file"},
		{"truncated", `meminfo: line 2: "MemFr" has no "name:"`},
	}
	for _, tt := range tests {
		_, err := NewMemory(cmlFS(t, tt.machine)).Read(context.Background(), cmlNow)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Read error = %v, want one containing %q", tt.machine, err, tt.want)
		}
	}
}

// A broken cgroup file costs only the cgroup metrics, and says so.
func TestMemoryBadCgroupFiles(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, body, want string }{
		{"proc/self/cgroup", "0::relative\n", `self/cgroup: cgroup v2 path "relative" is not absolute`},
		{"sys/fs/cgroup/kubepods.slice/memory.max", "lots\n", `memory.max: "lots" is neither a number nor "max"`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cpu.max", "", `cpu.max: quota "" is neither`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cpu.stat", "usage_usec\n", `cpu.stat: line 1 (usage_usec): "" is not a number`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope/memory.current", "", `memory.current: "" is not a number`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope/memory.stat", "inactive_file many\n", `memory.stat: line 1 (inactive_file): "many" is not a number`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope/memory.events", "oom_kill x\n", `memory.events: line 1 (oom_kill): "x" is not a number`},
		{"sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope/io.pressure", "some avg10=1\n", `io.pressure: line 1 (some): want avg10`},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			t.Parallel()
			root, pfs := copyMachine(t, "cgroup-limits")
			writeFile(t, filepath.Join(root, tt.file), tt.body)
			r, err := NewMemory(pfs).Read(context.Background(), cmlNow)
			if err != nil {
				t.Fatalf("Read error %v; a bad cgroup file must not fail the memory reading", err)
			}
			if !strings.Contains(r.Note, tt.want) {
				t.Errorf("Note = %q, want one containing %q", r.Note, tt.want)
			}
			if _, ok := r.Value(reading.MemUsedPercent); !ok {
				t.Errorf("memory.used_percent missing")
			}
			for k := range cmlValues(r) {
				if strings.HasPrefix(k, "cgroup.") {
					t.Errorf("reported %s from a broken cgroup", k)
				}
			}
		})
	}
}

// TestMemoryThisMachine checks the real /proc/meminfo against free -b.
func TestMemoryThisMachine(t *testing.T) {
	t.Parallel()
	r, err := NewMemory(cmlRealFS(t)).Read(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cmlCheckBounds(t, r)
	out, err := exec.Command("free", "-b").Output()
	if err != nil {
		t.Skipf("free (Debian package procps) not run: %v", err)
	}
	var freeTotal, freeSwap float64
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "Mem:":
			freeTotal, _ = strconv.ParseFloat(f[1], 64)
		case "Swap:":
			freeSwap, _ = strconv.ParseFloat(f[1], 64)
		}
	}
	got := cmlValues(r)
	if diff := cmp.Diff(map[string]float64{"memory.total": freeTotal, "swap.total": freeSwap},
		map[string]float64{"memory.total": got["memory.total"], "swap.total": got["swap.total"]}); diff != "" {
		t.Errorf("totals differ from free -b (-free +vigia):\n%s", diff)
	}
}

func BenchmarkMemoryRead(b *testing.B) {
	for _, machine := range []string{"normal", "cgroup-limits"} {
		b.Run(machine, func(b *testing.B) {
			m := NewMemory(cmlFS(b, machine))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Read(context.Background(), cmlNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("proc", func(b *testing.B) {
		m := NewMemory(cmlRealFS(b))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.Read(context.Background(), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMemorySwapTraffic: swap traffic and major faults are rates from the
// second read on, in bytes (pages × page size) and per second; the raw
// counters go out for exporters.
func TestMemorySwapTraffic(t *testing.T) {
	t.Parallel()
	root, fsys := copyMachine(t, "normal")
	vmstat := filepath.Join(root, "proc", "vmstat")
	write := func(in, out, majflt uint64) {
		t.Helper()
		b := fmt.Sprintf("nr_free_pages 1\npgpgin 10\npgpgout 20\npswpin %d\npswpout %d\npgfault 99\npgmajfault %d\noom_kill 2\n", in, out, majflt)
		if err := os.WriteFile(vmstat, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := NewMemory(fsys)
	write(100, 1000, 7)
	r, err := m.Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	got := cmlValues(r)
	for _, k := range []string{"swap.in_bytes", "swap.out_bytes", "memory.major_faults"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s on the first read, before there is a rate", k)
		}
	}
	if got[`memory.vmstat{field="pswpout"}`] != 1000 || got[`memory.vmstat{field="oom_kill"}`] != 2 {
		t.Errorf("vmstat counters: %v", got)
	}

	write(100+50, 1000+200, 7+30)
	r, err = m.Read(context.Background(), cmlNow.Add(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got = cmlValues(r)
	page := float64(os.Getpagesize())
	want := map[string]float64{"swap.in_bytes": 5 * page, "swap.out_bytes": 20 * page, "memory.major_faults": 3}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}

	// A vmstat that cannot be read costs these metrics, not the reading.
	os.Remove(vmstat)
	r, err = m.Read(context.Background(), cmlNow.Add(20*time.Second))
	if err != nil || r.Note != "" {
		t.Fatalf("without vmstat: %v, note %q", err, r.Note)
	}
	if _, ok := cmlValues(r)["swap.in_bytes"]; ok {
		t.Error("swap.in_bytes without a vmstat")
	}
}

// TestMemoryCgroupV1: in a Docker container on a cgroup v1 host the limits
// come from the memory and cpu,cpuacct hierarchies: the parent's 256 MiB
// (memory.stat's hierarchical limit, the container's own being unlimited)
// and the container's half-core CFS quota.
func TestMemoryCgroupV1(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "cgroup-v1")
	m := NewMemory(pfs)
	r, err := m.Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "" {
		t.Errorf("Note = %q", r.Note)
	}
	got := cmlValues(r)
	want := map[string]float64{
		"cgroup.memory.max":     268435456,
		"cgroup.memory.current": 201326592,
		// 192 MiB charged, 32 MiB of it inactive page cache: 160 of 256 MiB.
		"cgroup.memory.used_percent":         62.5,
		"cgroup.memory.oom_kills_total":      1,
		"cgroup.cpu.quota_cores":             0.5,
		"cgroup.cpu.nr_throttled_total":      20,
		"cgroup.cpu.throttled_seconds_total": 3.5,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "cgroup.pressure") {
			t.Errorf("v1 has no per-group pressure, got %s", k)
		}
	}

	// A second later the container used a quarter of a CPU-second: half its
	// half-core quota.
	writeFile(t, filepath.Join(root, "sys/fs/cgroup/cpu,cpuacct/docker/4b1c/cpuacct.usage"), "123706789000\n")
	r, err = m.Read(context.Background(), cmlNow.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if got := cmlValues(r)["cgroup.cpu.usage_percent"]; got != 50 {
		t.Errorf("cgroup.cpu.usage_percent = %v, want 50", got)
	}

	// No limit anywhere: no cgroup metrics at all.
	writeFile(t, filepath.Join(root, "sys/fs/cgroup/memory/docker/4b1c/memory.stat"), "total_inactive_file 0\nhierarchical_memory_limit 9223372036854771712\n")
	writeFile(t, filepath.Join(root, "sys/fs/cgroup/cpu,cpuacct/docker/4b1c/cpu.cfs_quota_us"), "-1\n")
	r, err = m.Read(context.Background(), cmlNow.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for k := range cmlValues(r) {
		if strings.HasPrefix(k, "cgroup.") {
			t.Errorf("unlimited v1 container reported %s", k)
		}
	}

	// A garbage limit file is said, and the machine's figures stay.
	writeFile(t, filepath.Join(root, "sys/fs/cgroup/memory/docker/4b1c/memory.limit_in_bytes"), "lots\n")
	r, err = m.Read(context.Background(), cmlNow.Add(3*time.Second))
	if err != nil || !strings.Contains(r.Note, "memory.limit_in_bytes") || cmlValues(r)["memory.total"] == 0 {
		t.Errorf("bad limit file: err %v, note %q", err, r.Note)
	}
}

// TestMemoryCgroupHybrid: on a hybrid host /proc/self/cgroup has a v2
// line too, for a cgroup2 mount without the cpu and memory controllers;
// the limits still come from the v1 trees.
func TestMemoryCgroupHybrid(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "cgroup-v1")
	writeFile(t, filepath.Join(root, "sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n")
	self, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "proc/self/cgroup"), string(self)+"0::/docker/4b1c\n")
	r, err := NewMemory(pfs).Read(context.Background(), cmlNow)
	if err != nil || r.Note != "" {
		t.Fatalf("read: %v, note %q", err, r.Note)
	}
	got := cmlValues(r)
	if got["cgroup.memory.max"] != 268435456 || got["cgroup.cpu.quota_cores"] != 0.5 {
		t.Errorf("memory limit %v, CPU quota %v: want the v1 trees' 256 MiB and half a core",
			got["cgroup.memory.max"], got["cgroup.cpu.quota_cores"])
	}
}

// TestMemoryFollowsAMoveToAnotherCgroup: where vigia's cgroup is is found
// once, and again when /proc/self/cgroup changes: moved from the container
// up to its pod, the pod's 1 GiB is the limit and its usage the usage.
func TestMemoryFollowsAMoveToAnotherCgroup(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "cgroup-limits")
	m := NewMemory(pfs)
	for i, tc := range []struct {
		self         string
		max, current float64
	}{
		{"0::/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope\n", 536870912, 402653184},
		{"0::/kubepods.slice/kubepods-burstable.slice/pod7f3c/cri-containerd-9a1b.scope\n", 536870912, 402653184},
		{"0::/kubepods.slice/kubepods-burstable.slice/pod7f3c\n", 1073741824, 700000000},
	} {
		writeFile(t, filepath.Join(root, "proc/self/cgroup"), tc.self)
		r, err := m.Read(context.Background(), cmlNow.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got := cmlValues(r)
		if got["cgroup.memory.max"] != tc.max || got["cgroup.memory.current"] != tc.current {
			t.Errorf("read %d in %s: max %v, current %v; want %v, %v", i, strings.TrimSpace(tc.self),
				got["cgroup.memory.max"], got["cgroup.memory.current"], tc.max, tc.current)
		}
	}
}
