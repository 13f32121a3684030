package sensor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func procsStatLine(pid int, comm, state string, ppid, utime, stime, threads, start, rss int) string {
	return fmt.Sprintf("%d (%s) %s %d %d %d 0 -1 4194560 100 0 0 0 %d %d 0 0 20 0 %d 0 %d 1000000 %d "+
		"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0\n",
		pid, comm, state, ppid, pid, pid, utime, stime, threads, start, rss)
}

// TestProcessesFixture reads a machine whose processes have odd names (a) (b,
// a newline, a tab), a zombie, kernel threads, a user the passwd file does
// not name, one process listed but gone before its stat was read and one
// with a garbage stat; then, ten seconds later, one burned 1.5 s of CPU, one
// exited and one started. The second reading is compared with a golden file.
func TestProcessesFixture(t *testing.T) {
	t.Parallel()
	root, fsys := copyMachine(t, "procs-odd")
	p, err := newProcesses(fsys, procfs.ProcTableOptions{Users: procfs.NewUsers(filepath.Join(root, "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name() != reading.SensorProcesses {
		t.Errorf("Name() = %q", p.Name())
	}
	t0 := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	if _, err := p.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	proc := filepath.Join(root, "proc")
	writeFile(t, filepath.Join(proc, "uptime"), "5010.00 9000.00\n")
	// Process 100 also waited for children that burned 2.5 s between the
	// two passes, and 30 forks happened.
	writeFile(t, filepath.Join(proc, "100", "stat"), strings.Replace(procsStatLine(100, "a) (b", "R", 1, 1150, 500, 4, 400000, 26000), " 1150 500 0 0 ", " 1150 500 200 50 ", 1))
	writeFile(t, filepath.Join(proc, "stat"), strings.Replace(readFileString(t, filepath.Join(proc, "stat")), "processes 200", "processes 230", 1))
	if err := os.RemoveAll(filepath.Join(proc, "101")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(proc, "200", "stat"), procsStatLine(200, "new", "S", 100, 30, 10, 1, 500500, 10))
	writeFile(t, filepath.Join(proc, "200", "cmdline"), "new\x00--fast\x00")
	writeFile(t, filepath.Join(proc, "200", "status"), "Name:\tnew\nUid:\t0\t1\t0\t0\n")

	r, err := p.Read(context.Background(), t0.Add(10*time.Second))
	if err != nil {
		t.Fatalf("second Read(): %v", err)
	}
	// Rows come in directory order, which differs between file systems.
	slices.SortFunc(r.Processes, func(a, b reading.Process) int { return int(a.PID - b.PID) })
	for i := range r.Processes {
		r.Processes[i].Start = r.Processes[i].Start.UTC()
	}
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden.Check(t, filepath.Join("testdata", "procs-odd.golden.json"), got)
}

func TestProcessesBadRoot(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "proc", "stat"), "cpu 1 2 3\n")
	writeFile(t, filepath.Join(root, "sys", ".keep"), "")
	fsys, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewProcesses(fsys); err == nil || !strings.Contains(err.Error(), "btime") {
		t.Errorf("NewProcesses over a /proc without btime: error %v, want one about btime", err)
	}
}

// procsHelperEnv makes the test binary, started as a child, act as a
// process for the real-machine tests: "sleep" idles, "burn" spins a core.
const procsHelperEnv = "VIGIA_PROCS_HELPER"

func TestProcsHelper(t *testing.T) {
	switch os.Getenv(procsHelperEnv) {
	case "sleep":
		time.Sleep(time.Minute)
	case "burn":
		deadline := time.Now().Add(time.Minute)
		x := 0
		for time.Now().Before(deadline) {
			for i := 0; i < 1e6; i++ {
				x += i
			}
		}
		fmt.Println(x)
	default:
		t.Skip("runs only as a child of the real-machine process tests")
	}
}

func startProcsHelper(t *testing.T, mode string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcsHelper$", "vigia-helper-"+mode)
	cmd.Env = append(os.Environ(), procsHelperEnv+"="+mode, "GOMAXPROCS=1")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

func realProcesses(t *testing.T) *Processes {
	t.Helper()
	fsys, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	p, err := NewProcesses(fsys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func readTwice(t *testing.T, p *Processes, gap time.Duration) reading.Reading {
	t.Helper()
	if _, err := p.Read(context.Background(), time.Now()); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	time.Sleep(gap)
	r, err := p.Read(context.Background(), time.Now())
	if err != nil {
		t.Fatalf("second Read(): %v", err)
	}
	return r
}

func findProcess(r reading.Reading, pid int) (reading.Process, bool) {
	for _, p := range r.Processes {
		if int(p.PID) == pid {
			return p, true
		}
	}
	return reading.Process{}, false
}

// TestProcessesCountMatchesPS cross-checks the count with ps(1), from the
// procps package. Other tests and builds start and end processes meanwhile,
// so a small difference is allowed.
func TestProcessesCountMatchesPS(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ps"); err != nil {
		t.Skip("ps not installed (Debian package procps)")
	}
	psCount := func() int {
		out, err := exec.Command("ps", "-e", "--no-headers", "-o", "pid").Output()
		if err != nil {
			t.Fatalf("ps: %v", err)
		}
		// ps itself is one process more than vigia sees.
		return len(strings.Fields(string(out))) - 1
	}
	p := realProcesses(t)
	if _, err := p.Read(context.Background(), time.Now()); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	// ps just before and just after the read bound what the table may hold
	// while other tests start and end processes.
	before := psCount()
	r, err := p.Read(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	after := psCount()
	got, _ := r.Value(reading.ProcsCount)
	lo, hi := min(before, after), max(before, after)
	tolerance := max(3, hi/100)
	t.Logf("procs.count %v; ps -e %d before, %d after", got, before, after)
	if int(got) < lo-tolerance || int(got) > hi+tolerance {
		t.Errorf("procs.count = %v, ps -e counts %d before and %d after (tolerance %d)", got, before, after, tolerance)
	}
	if int(got) != len(r.Processes) {
		t.Errorf("procs.count = %v but the table has %d rows", got, len(r.Processes))
	}
}

func TestProcessesFindsChild(t *testing.T) {
	t.Parallel()
	started := time.Now()
	child := startProcsHelper(t, "sleep")
	p := realProcesses(t)
	r := readTwice(t, p, 50*time.Millisecond)
	got, ok := findProcess(r, child.Process.Pid)
	if !ok {
		t.Fatalf("child %d not in a table of %d processes", child.Process.Pid, len(r.Processes))
	}
	u, err := user.LookupId(strconv.Itoa(os.Geteuid()))
	wantUser := strconv.Itoa(os.Geteuid())
	if err == nil {
		wantUser = u.Username
	}
	want := struct {
		PPID    int32
		Cmdline string
		User    string
	}{int32(os.Getpid()), os.Args[0] + " -test.run=^TestProcsHelper$ vigia-helper-sleep", wantUser}
	if diff := cmp.Diff(want, struct {
		PPID    int32
		Cmdline string
		User    string
	}{got.PPID, got.Cmdline, got.User}); diff != "" {
		t.Errorf("child row mismatch (-want +got):\n%s", diff)
	}
	// Start times have the clock tick's resolution and btime's whole seconds.
	if d := got.Start.Sub(started); d < -2*time.Second || d > 2*time.Second {
		t.Errorf("child start %v, started at %v", got.Start, started)
	}
	if got.RSS == 0 || got.MemPercent <= 0 || got.Threads < 1 {
		t.Errorf("child row implausible: %+v", got)
	}
}

// schedstatNS returns the nanoseconds pid has run on a CPU, from
// /proc/PID/schedstat: a kernel counter independent of stat's clock ticks.
func schedstatNS(t *testing.T, pid int) (uint64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 1 {
		return 0, false
	}
	v, err := strconv.ParseUint(f[0], 10, 64)
	return v, err == nil
}

// TestProcessesBurningChild checks CPU % against a child that spins one core.
// On a quiet machine that is about 100; the machine is shared, so the value
// is checked against the child's run time from /proc/PID/schedstat over the
// same window, and against 100 only when that says the child got most of a
// core. A broken unit (ticks as seconds, a missing ×100, % of the machine
// instead of a core) lands far outside either bound.
func TestProcessesBurningChild(t *testing.T) {
	t.Parallel()
	child := startProcsHelper(t, "burn")
	pid := child.Process.Pid
	p := realProcesses(t)
	time.Sleep(200 * time.Millisecond)
	if _, err := p.Read(context.Background(), time.Now()); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	ns0, okSched := schedstatNS(t, pid)
	w0 := time.Now()
	time.Sleep(1500 * time.Millisecond)
	ns1, _ := schedstatNS(t, pid)
	w1 := time.Now()
	r, err := p.Read(context.Background(), time.Now())
	if err != nil {
		t.Fatalf("second Read(): %v", err)
	}
	got, ok := findProcess(r, pid)
	if !ok {
		t.Fatalf("burning child %d not found", pid)
	}
	if !okSched {
		t.Logf("no /proc/%d/schedstat; checking against 100 %% only", pid)
		if got.CPUPercent < 40 || got.CPUPercent > 115 {
			t.Errorf("burning child CPU = %.1f %%, want about 100", got.CPUPercent)
		}
		return
	}
	want := float64(ns1-ns0) / float64(w1.Sub(w0).Nanoseconds()) * 100
	t.Logf("burning child: %.1f %% CPU; schedstat says %.1f %%", got.CPUPercent, want)
	if d := got.CPUPercent - want; d > 12 || d < -12 {
		t.Errorf("burning child CPU = %.1f %%, schedstat over the same window says %.1f %%", got.CPUPercent, want)
	}
	if want >= 80 && (got.CPUPercent < 70 || got.CPUPercent > 110) {
		t.Errorf("burning child given %.1f %% of a core shows %.1f %%, want about 100", want, got.CPUPercent)
	}
	if got.State != "R" && got.State != "S" {
		t.Errorf("burning child state %q", got.State)
	}
}

func benchmarkProcesses(b *testing.B, fsys procfs.FS, opts procfs.ProcTableOptions, tune ...func(*Processes)) {
	p, err := newProcesses(fsys, opts)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range tune {
		f(p)
	}
	defer p.Close()
	ctx := context.Background()
	now := time.Now()
	if _, err := p.Read(ctx, now); !errors.Is(err, ErrWarmup) {
		b.Fatal(err)
	}
	var n int
	var ru0, ru1 syscall.Rusage
	b.ReportAllocs()
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for b.Loop() {
		now = now.Add(time.Second)
		r, err := p.Read(ctx, now)
		if err != nil {
			b.Fatal(err)
		}
		n = len(r.Processes)
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n), "procs")
}

// BenchmarkProcessesRead is a whole sensor read over the real /proc: the
// pass plus the emitted table.
func BenchmarkProcessesRead(b *testing.B) {
	fsys, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	b.Run("io=moved", func(b *testing.B) { benchmarkProcesses(b, fsys, procfs.ProcTableOptions{}) })
	b.Run("io=all", func(b *testing.B) {
		benchmarkProcesses(b, fsys, procfs.ProcTableOptions{}, func(p *Processes) { p.io.allIO = true })
	})
}

// BenchmarkProcessesReadFixture shows that allocs/op is the same for 100 and
// 1000 processes: only the emitted table's bytes grow with N.
func BenchmarkProcessesReadFixture(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			root := b.TempDir()
			writeFile(b, filepath.Join(root, "proc", "stat"), "cpu 1\nbtime 1764300000\n")
			writeFile(b, filepath.Join(root, "proc", "meminfo"), "MemTotal: 1000 kB\n")
			writeFile(b, filepath.Join(root, "proc", "uptime"), "100.00 1.00\n")
			writeFile(b, filepath.Join(root, "sys", ".keep"), "")
			for pid := 1; pid <= n; pid++ {
				d := filepath.Join(root, "proc", strconv.Itoa(pid))
				writeFile(b, filepath.Join(d, "stat"), procsStatLine(pid, "p", "S", 1, pid, 0, 1, 5, 10))
				writeFile(b, filepath.Join(d, "cmdline"), "p\x00")
				writeFile(b, filepath.Join(d, "status"), "Uid:\t0\t0\t0\t0\n")
			}
			fsys, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
			if err != nil {
				b.Fatal(err)
			}
			benchmarkProcesses(b, fsys, procfs.ProcTableOptions{Users: procfs.NewUsers(filepath.Join(root, "passwd"))})
		})
	}
}

func readFileString(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkProcessesLiveHeap is what the sensor keeps in memory for each
// process between passes, with its latest reading held as a consumer
// holds it: the table's entries, the sensor's own per-process state and
// the reading's rows (live heap after a collection, over the real /proc;
// run it with many processes: bench/peers/spawn.sh 10000).
func BenchmarkProcessesLiveHeap(b *testing.B) {
	fsys, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := newProcesses(fsys, procfs.ProcTableOptions{CgroupV1: cgroupV1Controller(fsys)})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	now := time.Now()
	if _, err := p.Read(ctx, now); !errors.Is(err, ErrWarmup) {
		b.Fatal(err)
	}
	var last reading.Reading
	for b.Loop() {
		now = now.Add(time.Second)
		if last, err = p.Read(ctx, now); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := len(last.Processes)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "live-B/proc")
	b.ReportMetric(float64(n), "procs")
	runtime.KeepAlive(last)
	runtime.KeepAlive(p)
}
