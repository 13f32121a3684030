package procfs

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"
)

// ptCopyTree copies a fixture tree, symlinks included, so a test may change it.
func ptCopyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func ptFS(t testing.TB, root string) FS {
	t.Helper()
	fsys, err := NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func ptWriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ptScan(t testing.TB, pt *ProcTable) []ProcEntry {
	t.Helper()
	live, err := pt.Scan(context.Background())
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	out := make([]ProcEntry, len(live))
	for i, e := range live {
		out[i] = *e
	}
	slices.SortFunc(out, func(a, b ProcEntry) int { return int(a.PID - b.PID) })
	return out
}

var ptIgnoreHandles = cmpopts.IgnoreUnexported(ProcEntry{})

// ptFixtureWant is what the first pass over testdata/procs must read: every
// process but 103 (listed, then gone before its stat was read) and 104
// (garbage stat).
func ptFixtureWant(t *testing.T, root string, users *Users) []ProcEntry {
	var owner uint32
	fi, err := os.Stat(filepath.Join(root, "proc", "106"))
	if err != nil {
		t.Fatal(err)
	}
	owner = fi.Sys().(*syscall.Stat_t).Uid
	return []ProcEntry{
		{PID: 1, PPID: 0, State: 'S', Comm: "init", Cmdline: "/sbin/init splash", UID: 0, User: "root", Cgroup: "/system.slice/init.scope", Threads: 1, StartTicks: 10, RSSPages: 3000, Ticks: 500},
		{PID: 2, PPID: 0, State: 'S', Comm: "kthreadd", Cmdline: "[kthreadd]", UID: 0, User: "root", Threads: 1, StartTicks: 10, Ticks: 5},
		{PID: 100, PPID: 1, State: 'R', Comm: "a) (b", Cmdline: "/usr/bin/odd --name a) (b", UID: 1000, User: "alice", Cgroup: "/user.slice/user-1000.slice/session-3.scope", Threads: 4, StartTicks: 400000, RSSPages: 25000, Ticks: 1500},
		{PID: 101, PPID: 100, State: 'S', Comm: "q)\n) (z", Cmdline: "q", UID: 1000, User: "alice", Threads: 1, StartTicks: 400100, RSSPages: 100, Ticks: 20},
		{PID: 102, PPID: 100, State: 'Z', Comm: "defunct", Cmdline: "[defunct]", UID: 1000, User: "alice", Threads: 1, StartTicks: 400200, Ticks: 10},
		{PID: 105, PPID: 1, State: 'D', Comm: "sp ace\ttab", Cmdline: "/opt/x y/run", UID: 4242, User: "4242", Threads: 2, StartTicks: 450000, RSSPages: 200, Ticks: 40},
		{PID: 106, PPID: 2, State: 'I', Comm: "nostatus", Cmdline: "[nostatus]", UID: owner, User: users.Name(owner), Threads: 1, StartTicks: 20},
	}
}

// TestProcTableCgroupV1: on a host whose groups are v1's, a process's
// cgroup is its path in the hierarchy asked for; one without that line
// (PID 1 of the fixture has only the v2 line) has none.
func TestProcTableCgroupV1(t *testing.T) {
	t.Parallel()
	root := ptCopyTree(t, filepath.Join("testdata", "procs"))
	pt, err := NewProcTable(ptFS(t, root), ProcTableOptions{CgroupV1: "memory", Users: NewUsers(filepath.Join("testdata", "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	got := map[int32]string{}
	for _, e := range ptScan(t, pt) {
		got[e.PID] = e.Cgroup
	}
	if got[100] != "/user.slice" || got[1] != "" {
		t.Errorf("cgroups by PID %v, want 100 in /user.slice (memory) and 1 in none", got)
	}
}

func TestProcTableFixture(t *testing.T) {
	t.Parallel()
	for _, opts := range []struct {
		name     string
		opts     ProcTableOptions
		wantHeld int
	}{
		{"keepfd", ProcTableOptions{}, 7},
		{"keepfd capped", ProcTableOptions{MaxFDs: 3}, 3},
		{"openread", ProcTableOptions{NoKeepFD: true}, 0},
	} {
		t.Run(opts.name, func(t *testing.T) {
			t.Parallel()
			root := ptCopyTree(t, filepath.Join("testdata", "procs"))
			users := NewUsers(filepath.Join("testdata", "passwd"))
			opts.opts.Users = users
			pt, err := NewProcTable(ptFS(t, root), opts.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer pt.Close()
			if got, want := pt.BootTime(), time.Unix(1764300000, 0); !got.Equal(want) {
				t.Errorf("BootTime() = %v, want %v", got, want)
			}
			if got, want := pt.MemTotal(), uint64(0); got != want {
				t.Errorf("MemTotal() before the first pass = %d, want %d", got, want)
			}

			want := ptFixtureWant(t, root, users)
			if diff := cmp.Diff(want, ptScan(t, pt), ptIgnoreHandles); diff != "" {
				t.Errorf("first pass mismatch (-want +got):\n%s", diff)
			}
			if got := pt.MemTotal(); got != 8000000*1024 {
				t.Errorf("MemTotal() = %d, want %d", got, 8000000*1024)
			}
			if got := pt.HeldFDs(); got != opts.wantHeld {
				t.Errorf("HeldFDs() after the first pass = %d, want %d", got, opts.wantHeld)
			}
			if got := pt.Gone(); len(got) != 0 {
				t.Errorf("Gone() after the first pass = %+v, want none", got)
			}

			// The user's I/O sample stays with each process's entry: a
			// reused PID's and a new process's start with none.
			for _, e := range pt.live {
				e.IORead, e.IOWrite, e.IOState = 1, 2, IOSampled
			}

			// Ten seconds later: 100 burned 150 ticks, 101 exited, 200
			// started, 105's PID was reused by an older-looking process of
			// another user, and 1 exec'd into another program.
			p := filepath.Join(root, "proc")
			ptWriteFile(t, filepath.Join(p, "uptime"), "5010.00 9000.00\n")
			ptWriteFile(t, filepath.Join(p, "100", "stat"), ptStatLine(100, "a) (b", "S", 1, 1150, 500, 0, 4, 400000, 500000000, 26000))
			if err := os.RemoveAll(filepath.Join(p, "101")); err != nil {
				t.Fatal(err)
			}
			ptWriteFile(t, filepath.Join(p, "200", "stat"), ptStatLine(200, "new", "R", 100, 30, 10, 0, 1, 500500, 100, 10))
			ptWriteFile(t, filepath.Join(p, "200", "cmdline"), "new\x00--fast\x00")
			ptWriteFile(t, filepath.Join(p, "200", "status"), "Name:\tnew\nUid:\t0\t1\t0\t0\n")
			ptWriteFile(t, filepath.Join(p, "105", "stat"), ptStatLine(105, "reused", "S", 1, 3, 4, 0, 1, 300, 100, 10))
			ptWriteFile(t, filepath.Join(p, "105", "cmdline"), "reused\x00")
			ptWriteFile(t, filepath.Join(p, "105", "status"), "Name:\treused\nUid:\t1000\t1000\t1000\t1000\n")
			ptWriteFile(t, filepath.Join(p, "1", "stat"), ptStatLine(1, "systemd", "S", 0, 310, 200, 0, 1, 10, 170000000, 3000))
			ptWriteFile(t, filepath.Join(p, "1", "cmdline"), "/lib/systemd/systemd\x00")

			want2 := []ProcEntry{
				{PID: 1, PPID: 0, State: 'S', Comm: "systemd", Cmdline: "/lib/systemd/systemd", UID: 0, User: "root", Cgroup: "/system.slice/init.scope", Threads: 1, StartTicks: 10, RSSPages: 3000, Ticks: 510, PrevTicks: 500, HasPrev: true},
				{PID: 2, PPID: 0, State: 'S', Comm: "kthreadd", Cmdline: "[kthreadd]", UID: 0, User: "root", Threads: 1, StartTicks: 10, Ticks: 5, PrevTicks: 5, HasPrev: true},
				{PID: 100, PPID: 1, State: 'S', Comm: "a) (b", Cmdline: "/usr/bin/odd --name a) (b", UID: 1000, User: "alice", Cgroup: "/user.slice/user-1000.slice/session-3.scope", Threads: 4, StartTicks: 400000, RSSPages: 26000, Ticks: 1650, PrevTicks: 1500, HasPrev: true},
				{PID: 102, PPID: 100, State: 'Z', Comm: "defunct", Cmdline: "[defunct]", UID: 1000, User: "alice", Threads: 1, StartTicks: 400200, Ticks: 10, PrevTicks: 10, HasPrev: true},
				{PID: 105, PPID: 1, State: 'S', Comm: "reused", Cmdline: "reused", UID: 1000, User: "alice", Threads: 1, StartTicks: 300, RSSPages: 10, Ticks: 7},
				want[6],
				{PID: 200, PPID: 100, State: 'R', Comm: "new", Cmdline: "new --fast", UID: 1, User: "daemon", Threads: 1, StartTicks: 500500, RSSPages: 10, Ticks: 40, HasPrev: true},
			}
			want2[5].PrevTicks, want2[5].HasPrev = 0, true
			for i := range want2 {
				if p := want2[i].PID; p != 105 && p != 200 {
					want2[i].IORead, want2[i].IOWrite, want2[i].IOState = 1, 2, IOSampled
				}
			}
			if diff := cmp.Diff(want2, ptScan(t, pt), ptIgnoreHandles); diff != "" {
				t.Errorf("second pass mismatch (-want +got):\n%s", diff)
			}
			// 101 is gone, as the first pass read it; 105's PID is another
			// process's now, which the pass tells by its start time alone.
			var wantGone []GoneProcess
			for _, e := range want {
				if e.PID == 101 {
					wantGone = append(wantGone, GoneProcess{PID: 101, StartTicks: e.StartTicks, Ticks: e.Ticks})
				}
			}
			if diff := cmp.Diff(wantGone, pt.Gone()); len(wantGone) != 1 || diff != "" {
				t.Errorf("Gone() after the second pass (-want +got):\n%s", diff)
			}
			if got := pt.HeldFDs(); got != opts.wantHeld {
				t.Errorf("HeldFDs() after the second pass = %d, want %d", got, opts.wantHeld)
			}
			if err := pt.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if got := pt.HeldFDs(); got != 0 {
				t.Errorf("HeldFDs() after Close = %d, want 0", got)
			}
			if _, err := pt.Scan(context.Background()); err == nil {
				t.Error("Scan after Close succeeded, want an error")
			}
		})
	}
}

func TestProcTableCancelledPassRestartsRates(t *testing.T) {
	t.Parallel()
	pt, err := NewProcTable(ptFS(t, filepath.Join("testdata", "procs")), ProcTableOptions{Users: NewUsers(filepath.Join("testdata", "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	ptScan(t, pt)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pt.Scan(ctx); err == nil {
		t.Fatal("Scan with a cancelled context succeeded")
	}
	for _, e := range ptScan(t, pt) {
		if e.HasPrev {
			t.Errorf("pid %d has HasPrev after a cancelled pass; its PrevTicks mix two intervals", e.PID)
		}
	}
}

func TestNewProcTableErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewProcTable(FS{}, ProcTableOptions{}); err == nil {
		t.Error("NewProcTable(zero FS) succeeded")
	}
	root := t.TempDir()
	ptWriteFile(t, filepath.Join(root, "proc", "stat"), "cpu 1 2 3\n")
	ptWriteFile(t, filepath.Join(root, "sys", ".keep"), "")
	_, err := NewProcTable(ptFS(t, root), ProcTableOptions{})
	if err == nil || !strings.Contains(err.Error(), "btime") || !strings.Contains(err.Error(), filepath.Join(root, "proc", "stat")) {
		t.Errorf("NewProcTable over a stat without btime: error %v, want one naming the file and btime", err)
	}
}

// ptEmptyTree makes a machine with no processes yet: the system-wide files
// a table reads, and an empty sys. It returns the root and its proc.
func ptEmptyTree(t testing.TB) (root, proc string) {
	t.Helper()
	root = t.TempDir()
	proc = filepath.Join(root, "proc")
	ptWriteFile(t, filepath.Join(proc, "stat"), "cpu 1 2 3\nbtime 1764300000\n")
	ptWriteFile(t, filepath.Join(proc, "meminfo"), "MemTotal: 1000 kB\n")
	ptWriteFile(t, filepath.Join(proc, "uptime"), "100.00 100.00\n")
	ptWriteFile(t, filepath.Join(root, "sys", ".keep"), "")
	return root, proc
}

// ptGenTree makes a /proc tree of n processes, for allocation and descriptor
// tests that need more processes than the fixture.
func ptGenTree(t testing.TB, n int) FS {
	t.Helper()
	root, p := ptEmptyTree(t)
	for pid := 1; pid <= n; pid++ {
		d := filepath.Join(p, fmt.Sprint(pid))
		ptWriteFile(t, filepath.Join(d, "stat"), ptStatLine(pid, fmt.Sprintf("proc %d", pid), "S", 1, pid, 1, 0, 1, 5, 100, 10))
		ptWriteFile(t, filepath.Join(d, "cmdline"), fmt.Sprintf("proc\x00%d\x00", pid))
		ptWriteFile(t, filepath.Join(d, "status"), "Name:\tp\nUid:\t0\t0\t0\t0\n")
		ptWriteFile(t, filepath.Join(d, "schedstat"), fmt.Sprintf("%d 0 1\n", pid*1000))
	}
	return ptFS(t, root)
}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestProcTableSteadyStateAllocatesNothing(t *testing.T) {
	for _, opts := range []ProcTableOptions{{}, {NoKeepFD: true}} {
		opts.Users = NewUsers(filepath.Join("testdata", "passwd"))
		pt, err := NewProcTable(ptGenTree(t, 300), opts)
		if err != nil {
			t.Fatal(err)
		}
		ptScan(t, pt)
		allocs := testing.AllocsPerRun(5, func() {
			live, err := pt.Scan(context.Background())
			if err != nil || len(live) != 300 {
				t.Fatalf("Scan = %d entries, %v; want 300", len(live), err)
			}
		})
		if allocs != 0 {
			t.Errorf("steady-state pass over 300 known processes (NoKeepFD=%v) allocates %v times, want 0", opts.NoKeepFD, allocs)
		}
		pt.Close()
	}
}

// TestProcTableLowDescriptorLimit runs in a child process, because the
// descriptor limit is process-wide: with 64 descriptors and a table asked to
// hold 1000, opening fails with EMFILE and the walk must shed held
// descriptors and fall back to open/read/close, missing no process.
func TestProcTableLowDescriptorLimit(t *testing.T) {
	t.Parallel()
	if os.Getenv("VIGIA_LOWFD_CHILD") == "1" {
		t.Skip("run as the child below")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcTableLowDescriptorLimitChild$", "-test.v")
	cmd.Env = append(os.Environ(), "VIGIA_LOWFD_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProcTableLowDescriptorLimitChild") {
		t.Fatalf("child with 64 descriptors: %v\n%s", err, out)
	}
}

func TestProcTableLowDescriptorLimitChild(t *testing.T) {
	if os.Getenv("VIGIA_LOWFD_CHILD") != "1" {
		t.Skip("runs only as the child of TestProcTableLowDescriptorLimit")
	}
	const n = 200
	fsys := ptGenTree(t, n)
	lim := unix.Rlimit{Cur: 64, Max: 64}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("setrlimit: %v", err)
	}
	pt, err := NewProcTable(fsys, ProcTableOptions{MaxFDs: 1000, Users: NewUsers(filepath.Join("testdata", "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	// Past watchAfter, idle processes are watched through schedstat: the
	// descriptors change hands under the same limit.
	for pass := 1; pass <= watchAfter+4; pass++ {
		got := ptScan(t, pt)
		if len(got) != n {
			t.Fatalf("pass %d: %d processes, want %d", pass, len(got), n)
		}
		for i, e := range got {
			if e.PID != int32(i+1) || e.Ticks != uint64(i+2) || e.Cmdline != fmt.Sprintf("proc %d", i+1) {
				t.Fatalf("pass %d: entry %d = %+v", pass, i, e)
			}
		}
		if held := pt.HeldFDs(); held >= 64 || held == 0 {
			t.Errorf("pass %d: %d descriptors held under a limit of 64", pass, held)
		}
	}
	// The process can still open files.
	f, err := os.Open(filepath.Join("testdata", "passwd"))
	if err != nil {
		t.Errorf("after the walk the process cannot open a file: %v", err)
	} else {
		f.Close()
	}
}

// ptRealTable is a table over this machine's /proc, closed when the test
// ends; the test is skipped where there is none.
func ptRealTable(t *testing.T) *ProcTable {
	t.Helper()
	return ptRealTableOpts(t, ProcTableOptions{})
}

func ptRealTableOpts(t *testing.T, opts ProcTableOptions) *ProcTable {
	t.Helper()
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	pt, err := NewProcTable(fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pt.Close() })
	return pt
}

func TestProcTableRealProc(t *testing.T) {
	t.Parallel()
	pt := ptRealTable(t)
	ptScan(t, pt)
	entries := ptScan(t, pt)
	self := slices.IndexFunc(entries, func(e ProcEntry) bool { return int(e.PID) == os.Getpid() })
	if self < 0 {
		t.Fatalf("own pid %d not in the table of %d", os.Getpid(), len(entries))
	}
	e := entries[self]
	users := NewUsers(SystemPasswd)
	want := struct {
		PPID    int32
		UID     uint32
		User    string
		HasPrev bool
	}{int32(os.Getppid()), uint32(os.Geteuid()), users.Name(uint32(os.Geteuid())), true}
	got := struct {
		PPID    int32
		UID     uint32
		User    string
		HasPrev bool
	}{e.PPID, e.UID, e.User, e.HasPrev}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("own entry mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(e.Cmdline, os.Args[0]) {
		t.Errorf("own cmdline %q does not start with %q", e.Cmdline, os.Args[0])
	}
	if e.Threads < 2 || e.RSSPages == 0 || e.Ticks < e.PrevTicks {
		t.Errorf("own entry implausible: %+v", e)
	}
	if got := pt.StartTime(e.StartTicks); time.Since(got) < 0 || time.Since(got) > time.Hour {
		t.Errorf("own start time %v is not within the last hour", got)
	}
	if pt.MemTotal() == 0 {
		t.Error("MemTotal() = 0 on the real /proc")
	}
}

// ptBenchmarkScan measures a steady-state pass of a table over fsys; tweak,
// if any, adjusts the table first (keepfd-list lists /proc every pass).
func ptBenchmarkScan(b *testing.B, fsys FS, opts ProcTableOptions, tweak ...func(*ProcTable)) {
	pt, err := NewProcTable(fsys, opts)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range tweak {
		f(pt)
	}
	defer pt.Close()
	ctx := context.Background()
	// Past the first passes, which read every process and watch the idle
	// ones only from the third, under the short refresh period.
	var live []*ProcEntry
	for range watchAfter + refreshReclaim + 1 {
		if live, err = pt.Scan(ctx); err != nil {
			b.Fatal(err)
		}
	}
	n := len(live)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := ptCPUTime(b)
	for b.Loop() {
		live, err = pt.Scan(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n = len(live)
	}
	b.ReportMetric(float64(ptCPUTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n), "procs")
	b.ReportMetric(float64(pt.HeldFDs()), "heldfds")
}

// ptCPUTime returns the process's user+system time in nanoseconds: on a
// shared machine it says what a pass costs better than wall time does.
func ptCPUTime(b *testing.B) int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkProbe measures probing one PID that no process has, what a pass
// pays for each PID allocated since the last that is gone again.
func BenchmarkProbe(b *testing.B) {
	for b.Loop() {
		processCPUTime(1<<22 + 1) // above any pid_max
	}
}

// BenchmarkProcTable measures one steady-state pass over the real /proc, the
// number bench/procwalk.sh compares with limit -b.
func BenchmarkProcTable(b *testing.B) {
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	b.Run("keepfd", func(b *testing.B) { ptBenchmarkScan(b, fsys, ProcTableOptions{}) })
	b.Run("keepfd-schedstat", func(b *testing.B) { ptBenchmarkScan(b, fsys, ProcTableOptions{NoClock: true}) })
	b.Run("keepfd-list", func(b *testing.B) {
		ptBenchmarkScan(b, fsys, ProcTableOptions{}, func(pt *ProcTable) { pt.ownNS = false })
	})
	b.Run("keepfd-nowatch", func(b *testing.B) { ptBenchmarkScan(b, fsys, ProcTableOptions{NoWatch: true}) })
	b.Run("openread", func(b *testing.B) { ptBenchmarkScan(b, fsys, ProcTableOptions{NoKeepFD: true}) })
}

// BenchmarkProcTableFixture shows allocs/op does not grow with the number of
// processes (it stays 0).
func BenchmarkProcTableFixture(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ptBenchmarkScan(b, ptGenTree(b, n), ProcTableOptions{Users: NewUsers(filepath.Join("testdata", "passwd"))})
		})
	}
}

// FuzzProcTableStat feeds garbage stat files to the walk itself: it must
// skip them, never panic, and still read the well-formed process beside.
func FuzzProcTableStat(f *testing.F) {
	f.Add([]byte(ptStatLine(7, "a) (b", "R", 1, 2, 3, 0, 1, 5, 6, 7)))
	f.Add([]byte("7 (x"))
	f.Add([]byte(""))
	root := f.TempDir()
	p := filepath.Join(root, "proc")
	ptWriteFile(f, filepath.Join(p, "stat"), "btime 1\n")
	ptWriteFile(f, filepath.Join(root, "sys", ".keep"), "")
	ptWriteFile(f, filepath.Join(p, "1", "stat"), ptStatLine(1, "ok", "S", 0, 1, 1, 0, 1, 1, 1, 1))
	fsys := ptFS(f, root)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(p, "7", "stat"), b, 0o644); err != nil {
			if err := os.MkdirAll(filepath.Join(p, "7"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, "7", "stat"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pt, err := NewProcTable(fsys, ProcTableOptions{Users: NewUsers(filepath.Join(root, "passwd"))})
		if err != nil {
			t.Fatal(err)
		}
		defer pt.Close()
		got := ptScan(t, pt)
		if len(got) == 0 || got[0].PID != 1 || got[0].Comm != "ok" {
			t.Fatalf("well-formed process 1 lost beside stat %q: %+v", b, got)
		}
		for _, e := range got[1:] {
			if e.PID != 7 {
				t.Errorf("stat %q read as pid %d", b, e.PID)
			}
		}
	})
}

// TestProcTableChurn scans the real /proc while a shell forks hundreds of
// short-lived processes: processes vanishing mid-read must be dropped
// silently, never reported twice, and the held descriptors must follow the
// table (none leaked for processes that are gone).
func TestProcTableChurn(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	pt := ptRealTable(t)
	churn := exec.Command(sh, "-c", "i=0; while [ $i -lt 400 ]; do /bin/true; i=$((i+1)); done")
	if err := churn.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- churn.Wait() }()
	passes := 0
	for running := true; running || passes < 3; passes++ {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("churn: %v", err)
			}
			running = false
		default:
		}
		seen := make(map[int32]bool)
		holders := 0 // every process but those watched through their clocks
		for _, e := range ptScan(t, pt) {
			if seen[e.PID] {
				t.Fatalf("pass %d: pid %d listed twice", passes, e.PID)
			}
			seen[e.PID] = true
			if e.Cmdline == "" || e.User == "" {
				t.Errorf("pass %d: pid %d read half: %+v", passes, e.PID, e)
			}
			if !e.watched || !pt.clock {
				holders++
			}
		}
		if held := pt.HeldFDs(); held > holders || (holders < pt.maxFDs && held != holders) {
			t.Fatalf("pass %d: %d descriptors held for %d processes that need one (cap %d, %d processes)", passes, held, holders, pt.maxFDs, len(seen))
		}
	}
	t.Logf("%d passes during the churn", passes)
}

// TestProcTableProbeSkipsOwnThread: the kernel lets a thread read the
// process clock of its own TID as if that thread led a group, so a probe
// running on one of vigia's threads (one the Go runtime started since the
// last pass) took it for a new process, a second vigia with PPID 0 in a PID
// namespace of its own.
func TestProcTableProbeSkipsOwnThread(t *testing.T) {
	t.Parallel()
	pt := ptRealTable(t)
	type result struct {
		tid, seen int
		entry     bool
		err       error
	}
	for range 10 {
		got := make(chan result, 1)
		go func() {
			runtime.LockOSThread() // the thread ends with the goroutine
			tid := unix.Gettid()
			if tid == unix.Getpid() {
				got <- result{tid: -1}
				return
			}
			seen, err := pt.probe(context.Background(), uint64(tid-1), uint64(tid))
			got <- result{tid, seen, pt.entries[int32(tid)] != nil, err}
		}()
		r := <-got
		if r.tid < 0 {
			continue // the main thread is the process itself
		}
		if r.err != nil || r.seen != 0 || r.entry {
			t.Errorf("probe of the probing thread's own TID %d: %d seen, entry %v, err %v; want no process", r.tid, r.seen, r.entry, r.err)
		}
		return
	}
	t.Skip("no goroutine ran on a thread other than the main one")
}
