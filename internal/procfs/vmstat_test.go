package procfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVMStat(t *testing.T) {
	t.Parallel()
	in := "nr_free_pages 5\npgpgin 16695433\npgpgout 37584788\npswpin 3\npswpout 9\npgfault 204050392\npgmajfault 50623\n" +
		"pgsteal_kswapd 10\npgsteal_direct 20\npgsteal_khugepaged 1\npgsteal_proactive 2\npgsteal_anon 15\npgsteal_file 18\noom_kill 1\n"
	var v VMStat
	if err := ParseVMStat([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	got := v.Exported(nil)
	want := []VMStatField{{"pgpgin", 16695433}, {"pgpgout", 37584788}, {"pswpin", 3}, {"pswpout", 9}, {"pgfault", 204050392}, {"pgmajfault", 50623}, {"oom_kill", 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Exported mismatch (-want +got):\n%s", diff)
	}
	// pgsteal_anon and pgsteal_file split the same pages by type.
	if sum, ok := v.Reclaimed(); sum != 36 || !ok {
		t.Errorf("Reclaimed() = %d, %v; want 36, true", sum, ok)
	}
	// Reclaim under a cgroup's limit alone: counted by type only.
	if err := ParseVMStat([]byte("pswpin 0\npgsteal_kswapd 0\npgsteal_direct 0\npgsteal_anon 0\npgsteal_file 236\n"), &v); err != nil {
		t.Fatal(err)
	}
	if sum, ok := v.Reclaimed(); sum != 236 || !ok {
		t.Errorf("a cgroup's reclaim: Reclaimed() = %d, %v; want 236, true", sum, ok)
	}

	// An old kernel: no oom_kill, no pgsteal_khugepaged/proactive.
	if err := ParseVMStat([]byte("pswpin 0\npgsteal_kswapd 7\npgsteal_direct 0\npgfault 9"), &v); err != nil {
		t.Fatal(err)
	}
	if sum, ok := v.Reclaimed(); sum != 7 || !ok {
		t.Errorf("old kernel: Reclaimed() = %d, %v; want 7, true", sum, ok)
	}
	if diff := cmp.Diff([]VMStatField{{"pswpin", 0}, {"pgfault", 9}}, v.Exported(nil)); diff != "" {
		t.Errorf("old kernel: Exported mismatch (-want +got):\n%s", diff)
	}
	if err := ParseVMStat([]byte("nr_free_pages 5\n"), &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.Reclaimed(); ok {
		t.Error("Reclaimed() ok with none of its counters in the file")
	}
	err := ParseVMStat([]byte("pgfault 1\npswpin lots\n"), &v)
	if err == nil || !strings.Contains(err.Error(), "line 2: pswpin") {
		t.Errorf("garbage value: error %v, want one naming line 2 and pswpin", err)
	}
}

func TestReadVMStat(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "proc"), 0o755)
	os.MkdirAll(filepath.Join(root, "sys"), 0o755)
	os.WriteFile(filepath.Join(root, "proc", "stat"), []byte("cpu 1 2 3\nbtime 1\n"), 0o644)
	os.WriteFile(filepath.Join(root, "proc", "vmstat"), []byte("pswpout 12\n"), 0o644)
	fsys, err := NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	var v VMStat
	if _, err := fsys.VMStat(&v, nil); err != nil || v.PswpOut != 12 {
		t.Errorf("VMStat = %+v, %v; want pswpout 12", v, err)
	}
	os.WriteFile(filepath.Join(root, "proc", "vmstat"), []byte("pswpout x\n"), 0o644)
	if _, err := fsys.VMStat(&v, nil); err == nil || !strings.Contains(err.Error(), filepath.Join(root, "proc", "vmstat")) {
		t.Errorf("bad vmstat: error %v, want one naming the file", err)
	}
}

func BenchmarkParseVMStat(b *testing.B) {
	buf, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		b.Skip(err)
	}
	var v VMStat
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseVMStat(buf, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseVMStat(f *testing.F) {
	f.Add([]byte("pswpin 3\npgsteal_kswapd 10\n"))
	f.Add([]byte("pgfault 18446744073709551615\noom_kill\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v VMStat
		_ = ParseVMStat(b, &v)
	})
}

// TestVMStatExportedFilter: every name node_exporter's default filter
// passes is exported, not only the ones vigia computes with, and parsing
// the same machine again allocates nothing.
// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestVMStatExportedFilter(t *testing.T) {
	in := []byte("pgdemote_kswapd 4\npgfault 9\nthp_fault_alloc 5\npgmajfault_s 7\npswpin 1\noom_kill_total 2\nnuma_hint_faults 3\npgpgoutclean 6\n")
	var v VMStat
	if err := ParseVMStat(in, &v); err != nil {
		t.Fatal(err)
	}
	want := []VMStatField{{"pgfault", 9}, {"pgmajfault_s", 7}, {"pswpin", 1}, {"oom_kill_total", 2}, {"pgpgoutclean", 6}}
	if diff := cmp.Diff(want, v.Exported(nil)); diff != "" {
		t.Errorf("Exported mismatch (-want +got):\n%s", diff)
	}
	if n := testing.AllocsPerRun(10, func() { ParseVMStat(in, &v) }); n != 0 {
		t.Errorf("ParseVMStat of the same file again: %v allocs, want 0", n)
	}
	if err := ParseVMStat([]byte("pgfault 1\npgmajfault_s x\n"), &v); err == nil || !strings.Contains(err.Error(), "line 2: pgmajfault_s") {
		t.Errorf("garbage in an exported field: error %v, want one naming line 2", err)
	}
}
