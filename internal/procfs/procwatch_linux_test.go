package procfs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pwProc is one process of a watch fixture.
type pwProc struct {
	pid, ppid, threads, ticks, start, rss int
	state, sched                          string // sched "" writes no schedstat
}

func pwWrite(t *testing.T, proc string, p pwProc) {
	t.Helper()
	d := filepath.Join(proc, fmt.Sprint(p.pid))
	state := p.state
	if state == "" {
		state = "S"
	}
	ptWriteFile(t, filepath.Join(d, "stat"), ptStatLine(p.pid, fmt.Sprintf("p%d", p.pid), state, p.ppid, p.ticks, 0, 0, p.threads, p.start, 100, p.rss))
	ptWriteFile(t, filepath.Join(d, "cmdline"), fmt.Sprintf("p%d\x00", p.pid))
	ptWriteFile(t, filepath.Join(d, "status"), "Name:\tp\nUid:\t0\t0\t0\t0\n")
	if p.sched != "" {
		ptWriteFile(t, filepath.Join(d, "schedstat"), p.sched)
	}
}

// pwTable builds a fixture /proc of procs and a table over it.
func pwTable(t *testing.T, procs ...pwProc) (*ProcTable, string) {
	t.Helper()
	root, proc := ptEmptyTree(t)
	for _, p := range procs {
		pwWrite(t, proc, p)
	}
	pt, err := NewProcTable(ptFS(t, root), ProcTableOptions{Users: NewUsers(filepath.Join("testdata", "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pt.Close() })
	return pt, proc
}

func pwFind(t *testing.T, entries []ProcEntry, pid int) ProcEntry {
	t.Helper()
	for _, e := range entries {
		if int(e.PID) == pid {
			return e
		}
	}
	t.Fatalf("pid %d not in the pass", pid)
	return ProcEntry{}
}

// pwWatchAll scans until every listed process is watched.
func pwWatchAll(t *testing.T, pt *ProcTable, pids ...int) {
	t.Helper()
	for range watchAfter + 2 {
		ptScan(t, pt)
	}
	for _, pid := range pids {
		if e := pt.entries[int32(pid)]; e == nil || !e.watched {
			t.Fatalf("pid %d is not watched after %d idle passes", pid, watchAfter+2)
		}
	}
}

func TestProcTableWatchesIdleProcesses(t *testing.T) {
	t.Parallel()
	idle := pwProc{pid: 10, ppid: 1, threads: 1, ticks: 100, start: 5, rss: 10, sched: "5000000 300 7\n"}
	threaded := pwProc{pid: 11, ppid: 1, threads: 3, ticks: 100, start: 5, rss: 10, sched: "5000000 300 7\n"}
	noSchedstats := pwProc{pid: 12, ppid: 1, threads: 1, ticks: 100, start: 5, rss: 10, sched: "0 0 0\n"}
	noFile := pwProc{pid: 13, ppid: 1, threads: 1, ticks: 100, start: 5, rss: 10}
	pt, proc := pwTable(t, idle, threaded, noSchedstats, noFile)
	vmstat := func(stolen int) {
		ptWriteFile(t, filepath.Join(proc, "vmstat"), fmt.Sprintf("nr_free_pages 1000\npswpin 0\npgsteal_kswapd %d\npgsteal_direct 0\n", stolen))
	}
	vmstat(100)
	pwWatchAll(t, pt, 10)
	for range refreshReclaim {
		ptScan(t, pt) // past the short refresh period of the first passes
	}
	for _, pid := range []int32{11, 12, 13} {
		if pt.entries[pid].watched {
			t.Errorf("pid %d is watched; its schedstat cannot say whether it ran", pid)
		}
	}
	if held, want := pt.HeldFDs(), 4; held != want {
		t.Errorf("HeldFDs() = %d, want one per process (%d)", held, want)
	}

	// Every stat moves but no schedstat does: only the watched process keeps
	// what it had, which proves its stat was not read.
	for _, p := range []*pwProc{&idle, &threaded, &noSchedstats, &noFile} {
		p.ticks, p.rss = 150, 20
		pwWrite(t, proc, *p)
	}
	if (pt.gen+1+10)%refreshQuiet == 0 {
		ptScan(t, pt) // step off pid 10's refresh pass
	}
	got := ptScan(t, pt)
	if e := pwFind(t, got, 10); e.Ticks != 100 || e.RSSPages != 10 || !e.HasPrev || e.PrevTicks != 100 {
		t.Errorf("watched idle pid 10 = ticks %d (prev %d) rss %d; want 100 (prev 100) rss 10, kept", e.Ticks, e.PrevTicks, e.RSSPages)
	}
	for _, pid := range []int{11, 12, 13} {
		if e := pwFind(t, got, pid); e.Ticks != 150 || e.RSSPages != 20 {
			t.Errorf("pid %d = ticks %d rss %d; want its new stat, 150 and 20", pid, e.Ticks, e.RSSPages)
		}
	}

	// RSS moves without the process running when the kernel reclaims
	// pages: once /proc/vmstat says it does, the idle process is read in
	// full within refreshReclaim passes.
	vmstat(164)
	refreshed := false
	for range refreshReclaim {
		if e := pwFind(t, ptScan(t, pt), 10); e.RSSPages == 20 {
			refreshed = true
			break
		}
	}
	if !refreshed {
		t.Fatalf("pid 10's new RSS not read within %d passes of reclaim", refreshReclaim)
	}

	// It runs: schedstat moves, and the very next pass reads its stat.
	idle.ticks, idle.sched = 400, "9000000 300 8\n"
	pwWrite(t, proc, idle)
	e := pwFind(t, ptScan(t, pt), 10)
	if e.Ticks != 400 || e.PrevTicks != 150 || !e.HasPrev {
		t.Errorf("pid 10 after running = ticks %d prev %d hasPrev %v; want 400, 150, true", e.Ticks, e.PrevTicks, e.HasPrev)
	}
	if pt.entries[10].watched {
		t.Error("pid 10 is still watched on the pass it was seen running")
	}
	if held, want := pt.HeldFDs(), 4; held != want {
		t.Errorf("HeldFDs() = %d, want %d", held, want)
	}
}

func TestProcTableWatchedChildIsReparented(t *testing.T) {
	t.Parallel()
	for _, parentGoes := range []string{"exits", "zombie"} {
		t.Run(parentGoes, func(t *testing.T) {
			t.Parallel()
			parent := pwProc{pid: 20, ppid: 1, threads: 1, ticks: 10, start: 5, rss: 10, sched: "100 1 1\n"}
			child := pwProc{pid: 21, ppid: 20, threads: 1, ticks: 10, start: 6, rss: 10, sched: "100 1 1\n"}
			pt, proc := pwTable(t, pwProc{pid: 1, threads: 1, start: 1, sched: "1 1 1\n"}, parent, child)
			pwWatchAll(t, pt, 20, 21)
			if (pt.gen+1+21)%refreshReclaim == 0 {
				ptScan(t, pt) // step off the child's refresh pass (no vmstat here)
			}

			// The parent leaves; the kernel hands the child to init without
			// waking the child, so its schedstat stays as it was.
			if parentGoes == "exits" {
				if err := os.RemoveAll(filepath.Join(proc, "20")); err != nil {
					t.Fatal(err)
				}
			} else {
				parent.state, parent.sched = "Z", "200 1 2\n"
				pwWrite(t, proc, parent)
			}
			child.ppid = 1
			pwWrite(t, proc, child)
			if e := pwFind(t, ptScan(t, pt), 21); e.PPID != 1 {
				t.Errorf("child's PPID = %d after its parent %s, want 1", e.PPID, parentGoes)
			}
		})
	}
}

func TestProcTableReusesListingUntilAPIDIsAllocated(t *testing.T) {
	t.Parallel()
	pt, proc := pwTable(t, pwProc{pid: 1, threads: 1, start: 1, sched: "1 1 1\n"})
	loadavg := func(last int) {
		ptWriteFile(t, filepath.Join(proc, "loadavg"), fmt.Sprintf("0.10 0.20 0.30 1/90 %d\n", last))
	}
	loadavg(500)
	pt.ownNS = true // as on a procfs of our own PID namespace
	ptScan(t, pt)
	pwWrite(t, proc, pwProc{pid: 30, ppid: 1, threads: 1, start: 9, sched: "1 1 1\n"})
	if got := ptScan(t, pt); len(got) != 1 {
		t.Fatalf("listing redone with no PID allocated: %d processes", len(got))
	}
	loadavg(501)
	if got := ptScan(t, pt); len(got) != 2 || got[1].PID != 30 {
		t.Fatalf("after a PID was allocated: %+v, want pids 1 and 30", got)
	}
	pwWrite(t, proc, pwProc{pid: 31, ppid: 1, threads: 1, start: 9, sched: "1 1 1\n"})
	found := false
	for range listEvery {
		if len(ptScan(t, pt)) == 3 {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("pid 31 not listed within %d passes of an unchanged last PID", listEvery)
	}
}

// pwChild starts a real process and stops it when the test ends.
func pwChild(t *testing.T, script string) (*exec.Cmd, *bufio.Reader, *os.File) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("no sh: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewReader(out), in.(*os.File)
}

// TestProcTableWatchOnRealProc checks on the real /proc what watching must
// never cost: a new process shows on the next pass, a watched one that runs
// shows its CPU time, one that exits is gone, and one whose parent exits
// shows its new parent.
func TestProcTableWatchOnRealProc(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts ProcTableOptions
	}{{"clock", ProcTableOptions{}}, {"schedstat", ProcTableOptions{NoClock: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pt := ptRealTableOpts(t, tc.opts)
			if tc.name == "clock" && !pt.clock {
				t.Skip("/proc is not of this PID namespace: no CPU clocks to watch")
			}
			if tc.name == "schedstat" {
				if _, err := os.Stat("/proc/self/schedstat"); err != nil {
					t.Skipf("kernel without schedstat: %v", err)
				}
			}
			pwWatchRealProc(t, pt)
		})
	}
}

func pwWatchRealProc(t *testing.T, pt *ProcTable) {
	ptScan(t, pt)
	if !pt.clock && pt.HeldFDs() >= pt.maxFDs {
		t.Skipf("%d descriptors held, the cap: no schedstat left for new processes", pt.HeldFDs())
	}

	// Blocks on stdin, then burns CPU, then blocks again; its background
	// child prints its PID and outlives it.
	sh, out, in := pwChild(t, `sleep 300 & echo $!; read x; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo done; read y || true`)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("child printed %q", line)
	}
	t.Cleanup(func() {
		if p, err := os.FindProcess(orphan); err == nil {
			p.Kill()
		}
	})
	got := ptScan(t, pt)
	pwFind(t, got, sh.Process.Pid)
	pwFind(t, got, orphan)

	deadline := time.Now().Add(10 * time.Second)
	for !pt.entries[int32(sh.Process.Pid)].watched || !pt.entries[int32(orphan)].watched {
		if time.Now().After(deadline) {
			t.Fatal("idle sh and sleep not watched within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
		ptScan(t, pt)
	}
	before := pt.entries[int32(sh.Process.Pid)].Ticks

	if _, err := in.WriteString("go\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := out.ReadString('\n'); err != nil || line != "done\n" {
		t.Fatalf("busy loop: %q, %v", line, err)
	}
	if e := pwFind(t, ptScan(t, pt), sh.Process.Pid); e.Ticks <= before {
		t.Errorf("sh burned CPU while watched, but its ticks stayed %d (were %d)", e.Ticks, before)
	}

	// sh exits: its sleep is re-parented, then killed and reaped by init.
	in.Close()
	if err := sh.Wait(); err != nil {
		t.Fatalf("sh: %v", err)
	}
	got = ptScan(t, pt)
	for _, e := range got {
		if int(e.PID) == sh.Process.Pid {
			t.Errorf("sh exited and was reaped but is still in the pass: %+v", e)
		}
	}
	if e := pwFind(t, got, orphan); int(e.PPID) == sh.Process.Pid {
		t.Errorf("orphaned sleep still has its dead parent %d as PPID", e.PPID)
	}
}

// TestProcTableWatchesThreadsThroughClock checks that a multi-threaded
// process, watched through its CPU clock, shows the CPU that a thread other
// than its leader burns: schedstat, which speaks for the leader alone, would
// miss it.
func TestProcTableWatchesThreadsThroughClock(t *testing.T) {
	t.Parallel()
	if os.Getenv("VIGIA_THREADS_CHILD") == "1" {
		t.Skip("run as the child below")
	}
	pt := ptRealTable(t)
	if !pt.clock {
		t.Skip("/proc is not of this PID namespace: no CPU clocks to watch")
	}
	cmd, out, in := pwThreadsChild(t)
	pid := int32(cmd.Process.Pid)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ptScan(t, pt)
		if e := pt.entries[pid]; e != nil && e.watched && e.Threads > 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("idle child with threads not watched within 10 s: %+v", pt.entries[pid])
		}
		time.Sleep(20 * time.Millisecond)
	}
	before := pt.entries[pid].Ticks
	if pt.entries[pid].fd >= 0 {
		t.Errorf("child watched through its clock holds descriptor %d", pt.entries[pid].fd)
	}

	if _, err := in.Write([]byte("burn\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := out.ReadString('\n'); err != nil || line != "done\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	if e := pwFind(t, ptScan(t, pt), int(pid)); e.Ticks <= before {
		t.Errorf("a thread of the watched child burned CPU, but its ticks stayed %d (were %d)", e.Ticks, before)
	}
	in.Close()
}

// pwThreadsChild starts TestProcTableWatchesThreadsChild, a process with
// several threads, waits until it is ready and stops it when the test ends.
func pwThreadsChild(t *testing.T) (*exec.Cmd, *bufio.Reader, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcTableWatchesThreadsChild$")
	cmd.Env = append(os.Environ(), "VIGIA_THREADS_CHILD=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	out := bufio.NewReader(stdout)
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	return cmd, out, in
}

// ptProbingTable returns a table of the real /proc that has made its first
// pass and probes new PIDs through their CPU clocks; it skips the test
// where /proc is not of this PID namespace.
func ptProbingTable(t *testing.T) *ProcTable {
	t.Helper()
	pt := ptRealTable(t)
	if !pt.clock {
		t.Skip("/proc is not of this PID namespace: no CPU clocks to probe with")
	}
	ptScan(t, pt)
	return pt
}

// TestProcTableProbesNewPIDs checks on the real /proc that a pass which
// does not list /proc still finds a process started since the last pass,
// by probing the PIDs allocated since, and does not take the new process's
// threads for processes.
func TestProcTableProbesNewPIDs(t *testing.T) {
	t.Parallel()
	if os.Getenv("VIGIA_THREADS_CHILD") == "1" {
		t.Skip("run as the child below")
	}
	pt := ptProbingTable(t)
	for range 20 {
		ptScan(t, pt)
		cmd, _, in := pwThreadsChild(t)
		got := ptScan(t, pt)
		if pt.listGen == pt.gen {
			in.Close() // too many PIDs allocated on a busy machine, or the periodic listing: again
			continue
		}
		pid := cmd.Process.Pid
		pwFind(t, got, pid)
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) < 2 {
			t.Fatalf("child %d has %d threads, want several", pid, len(tasks))
		}
		for _, task := range tasks {
			tid, _ := strconv.Atoi(task.Name())
			for _, e := range got {
				if tid != pid && int(e.PID) == tid {
					t.Errorf("thread %d of child %d is in the pass as a process: %+v", tid, pid, e)
				}
			}
		}
		return
	}
	t.Skip("every pass listed /proc: the machine allocates too many PIDs")
}

// TestProcTableProbesAgainAPIDNotYetThere: a PID whose process was not
// there to read when a pass probed it (the kernel allocates the PID first)
// is probed again at the next pass, which finds the process without
// listing /proc. The first probe's miss is made with a stand-in clock.
func TestProcTableProbesAgainAPIDNotYetThere(t *testing.T) {
	t.Parallel()
	pt := ptProbingTable(t)
	for range 20 {
		ptScan(t, pt)
		child := exec.Command("sleep", "60")
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		pid := child.Process.Pid
		missed := false
		pt.probeClock = func(p int32) (uint64, bool) {
			if int(p) == pid && !missed {
				missed = true
				return 0, false
			}
			return processCPUTime(p)
		}
		first := ptScan(t, pt)
		firstListed := pt.listGen == pt.gen
		second := ptScan(t, pt)
		child.Process.Kill()
		child.Wait()
		if firstListed || pt.listGen == pt.gen || !missed {
			continue // a listing (a busy machine, or the periodic one): again
		}
		for _, e := range first {
			if int(e.PID) == pid {
				t.Fatalf("the pass whose probe missed %d has it: %+v", pid, e)
			}
		}
		pwFind(t, second, pid)
		return
	}
	t.Skip("every try listed /proc: the machine allocates too many PIDs")
}

// TestProcTableWatchesThreadsChild idles until told, then burns CPU on a
// thread that is not the thread-group leader.
func TestProcTableWatchesThreadsChild(t *testing.T) {
	if os.Getenv("VIGIA_THREADS_CHILD") != "1" {
		t.Skip("runs only as the child of TestProcTableWatchesThreadsThroughClock")
	}
	work, done := make(chan struct{}), make(chan struct{})
	var onOtherThread func()
	onOtherThread = func() {
		// A locked thread is the goroutine's alone: one that got the
		// leader keeps it and tries again on another goroutine.
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			go onOtherThread()
			<-done
			return
		}
		<-work
		burn()
		close(done)
	}
	go onOtherThread()
	fmt.Println("ready")
	r := bufio.NewReader(os.Stdin)
	if _, err := r.ReadString('\n'); err != nil {
		return
	}
	work <- struct{}{}
	<-done
	fmt.Println("done")
	r.ReadString('\n')
}

// burn spins for 300 ms of this thread's CPU time: 30 clock ticks.
func burn() {
	for {
		var ts unix.Timespec
		if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil || ts.Nano() > 300e6 {
			return
		}
	}
}
