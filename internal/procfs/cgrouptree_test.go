package procfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// genCgroupTree writes a cgroup2 tree of n cgroups under dir, shaped like a
// busy host: slices of services, a user's session, and Kubernetes pods of
// two containers each, every group with the files of the cpu, memory, io
// and pids controllers. It generates the benchmark's fixture, so no 500
// directories are kept in the repository.
func genCgroupTree(tb testing.TB, dir string, n int) {
	tb.Helper()
	files := map[string]string{
		"cpu.stat":        "usage_usec 93435945\nuser_usec 60000000\nsystem_usec 33435945\nnr_periods 120\nnr_throttled 7\nthrottled_usec 350000\nnr_bursts 0\nburst_usec 0\n",
		"memory.current":  "104857600\n",
		"memory.max":      "max\n",
		"memory.stat":     "anon 52428800\nfile 41943040\nkernel 4194304\nkernel_stack 65536\npagetables 131072\nsec_pagetables 0\npercpu 0\nsock 0\nvmalloc 0\nshmem 0\nzswap 0\nzswapped 0\nfile_mapped 8388608\nfile_dirty 0\nfile_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 0\nactive_anon 52428800\ninactive_file 20971520\nactive_file 20971520\nunevictable 0\nslab_reclaimable 2097152\nslab_unreclaimable 1048576\nslab 3145728\n",
		"memory.events":   "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
		"pids.current":    "12\n",
		"io.stat":         "8:0 rbytes=4096000 wbytes=8192000 rios=100 wios=200 dbytes=0 dios=0\n",
		"cpu.pressure":    "some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=234\n",
		"memory.pressure": "some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=234\n",
		"io.pressure":     "some avg10=0.00 avg60=0.00 avg300=0.00 total=1234\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=234\n",
	}
	made := 0
	mk := func(rel string) {
		if made >= n {
			return
		}
		d := filepath.Join(dir, rel)
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
		made++
	}
	mk(".")
	mk("system.slice")
	mk("user.slice")
	mk("user.slice/user-1000.slice")
	mk("user.slice/user-1000.slice/session-2.scope")
	mk("kubepods.slice")
	mk("kubepods.slice/kubepods-burstable.slice")
	for i := 0; made < n; i++ {
		switch i % 4 {
		case 0, 1:
			mk(fmt.Sprintf("system.slice/unit-%d.service", i))
		default:
			pod := fmt.Sprintf("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08x_0000_4000_8000_%012x.slice", i, i)
			mk(pod)
			mk(fmt.Sprintf("%s/cri-containerd-%064x.scope", pod, i))
		}
	}
}

func TestCgroupWalk(t *testing.T) {
	dir := t.TempDir()
	genCgroupTree(t, dir, 12)
	// A cgroup with no controller enabled has cpu.stat and nothing else.
	if err := os.MkdirAll(filepath.Join(dir, "init.scope"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "init.scope", "cpu.stat"), []byte("usage_usec 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := NewCgroupWalker(dir)
	got, err := w.Walk(nil, func(path string) bool { return path == "/system.slice" || path == "/init.scope" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 13 {
		t.Fatalf("walk found %d cgroups, want 13", len(got))
	}
	byPath := map[string]CgroupStats{}
	var paths []string
	for _, st := range got {
		byPath[st.Path] = st
		paths = append(paths, st.Path)
	}
	if paths[0] != "/" || paths[1] != "/init.scope" {
		t.Errorf("walk order %q, want sorted from /", paths)
	}
	sys := byPath["/system.slice"]
	want := CgroupStats{
		Path:   "/system.slice",
		CPU:    CgroupCPUStat{UsageMicros: 93435945, UserMicros: 60000000, SystemMicros: 33435945, Periods: 120, Throttled: 7, ThrottledMicros: 350000, HasThrottling: true},
		HasCPU: true, Full: true,
		MemCurrent: 104857600, HasMem: true,
		MemStat: CgroupMemStat{Anon: 52428800, File: 41943040, InactiveFile: 20971520, HasInactiveFile: true}, HasMemStat: true,
		MemEvents: CgroupMemEvents{HasOOMKill: true}, HasMemEvents: true,
		Pids: 12, HasPids: true,
		IO: CgroupIO{ReadBytes: 4096000, WrittenBytes: 8192000}, HasIO: true,
		Pressure: [3]Pressure{
			{Some: PressureLine{TotalMicros: 1234}, Full: PressureLine{TotalMicros: 234}, HasSome: true, HasFull: true},
			{Some: PressureLine{TotalMicros: 1234}, Full: PressureLine{TotalMicros: 234}, HasSome: true, HasFull: true},
			{Some: PressureLine{TotalMicros: 1234}, Full: PressureLine{TotalMicros: 234}, HasSome: true, HasFull: true},
		},
		HasPressure: [3]bool{true, true, true},
	}
	if diff := cmp.Diff(want, sys); diff != "" {
		t.Errorf("full read of /system.slice mismatch (-want +got):\n%s", diff)
	}
	// Off its full pass a group has only cpu.stat.
	root := byPath["/"]
	if !root.HasCPU || root.Full || root.HasMem || root.HasIO {
		t.Errorf("cpu-only read of / = %+v, want cpu.stat alone", root)
	}
	if init := byPath["/init.scope"]; !init.HasCPU || init.HasMem || init.HasPids || init.HasPressure[0] {
		t.Errorf("/init.scope without controllers = %+v, want cpu.stat alone", init)
	}
}

func TestCgroupWalkBadFile(t *testing.T) {
	dir := t.TempDir()
	genCgroupTree(t, dir, 2)
	if err := os.WriteFile(filepath.Join(dir, "system.slice", "pids.current"), []byte("many\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := NewCgroupWalker(dir).Walk(nil, func(string) bool { return true })
	if err != nil {
		t.Errorf("walk error %v, want the bad pids.current in the group's SlowErr alone", err)
	}
	if len(got) != 2 || got[1].SlowErr == nil || got[1].HasPids || !got[1].HasMem {
		t.Errorf("walk = %+v, want both groups, the bad one without pids only", got)
	}
}

func TestCgroupWalkGoneMount(t *testing.T) {
	got, err := NewCgroupWalker(filepath.Join(t.TempDir(), "absent")).Walk(nil, func(string) bool { return true })
	if err != nil || len(got) != 0 {
		t.Errorf("walk of a missing mount = %v, %v; want nothing and no error", got, err)
	}
}

// BenchmarkCgroupWalk walks 500 cgroups, on a cpu-only pass and on a pass
// reading every file (cmd: go test -run X -bench CgroupWalk -benchmem
// ./internal/procfs/).
func BenchmarkCgroupWalk(b *testing.B) {
	dir := b.TempDir()
	genCgroupTree(b, dir, 500)
	for _, tc := range []struct {
		name string
		full bool
	}{{"cpu-only", false}, {"full", true}} {
		b.Run(tc.name, func(b *testing.B) {
			w := NewCgroupWalker(dir)
			var dst []CgroupStats
			full := func(string) bool { return tc.full }
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if dst, err = w.Walk(dst[:0], full); err != nil {
					b.Fatal(err)
				}
				if len(dst) != 500 {
					b.Fatalf("walked %d cgroups", len(dst))
				}
			}
		})
	}
}

// TestCgroupWalkLetsRemovedGroupsGo: the walker holds the groups' files
// open between walks, and closes those of a group that is gone within
// heldSweeps walks (an open file keeps a removed cgroup's kernel record
// alive).
func TestCgroupWalkLetsRemovedGroupsGo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	genCgroupTree(t, dir, 8)
	w := NewCgroupWalker(dir)
	all := func(string) bool { return true }
	first, err := w.Walk(nil, all)
	if err != nil {
		t.Fatal(err)
	}
	svc := filepath.Join(dir, "system.slice", "unit-0.service", "cpu.stat")
	if _, held := w.files.fds[svc]; !held {
		t.Fatalf("%s not held after a walk: %d files held", svc, len(w.files.fds))
	}
	if err := os.RemoveAll(filepath.Dir(svc)); err != nil {
		t.Fatal(err)
	}
	for range heldSweeps {
		second, err := w.Walk(nil, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(second) != len(first)-1 {
			t.Fatalf("%d groups after removing one of %d", len(second), len(first))
		}
	}
	for path := range w.files.fds {
		if strings.HasPrefix(path, filepath.Dir(svc)) {
			t.Errorf("%s of the removed group still held", path)
		}
	}
}
