package sensor

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// burnEnv makes the test binary a short job: it writes burnWrite bytes to
// a file of its own in the directory burnEnv names, burns burnCPU of CPU
// and exits (TestHelperBurn).
const (
	burnEnv   = "VIGIA_TEST_BURN"
	burnCPU   = 20 * time.Millisecond
	burnWrite = 64 << 10
)

// jobs is how many short jobs the shell runs: 200, or a few under the race
// detector (raceEnabled).
func jobCount() int {
	if raceEnabled {
		return 8
	}
	return 200
}

// TestHelperBurn is no test: it is the job TestShortLivedJobs starts.
func TestHelperBurn(t *testing.T) {
	if os.Getenv(burnEnv) == "" {
		t.Skip("run by TestShortLivedJobs only")
	}
	// The written pages are counted as the job's write_bytes when it
	// dirties them, before any writeback.
	if err := os.WriteFile(filepath.Join(os.Getenv(burnEnv), strconv.Itoa(os.Getpid())), make([]byte, burnWrite), 0o600); err != nil {
		os.Exit(2)
	}
	for {
		var ts unix.Timespec
		if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) != nil || time.Duration(ts.Nano()) >= burnCPU {
			os.Exit(0)
		}
	}
}

// TestShortLivedJobs starts a shell that runs 200 jobs of 20 ms of CPU each
// between two reads, none of which lives to be seen in the table: their
// CPU must show in the shell's children CPU (any user), and, where the
// kernel lets vigia listen to process events (root), every one of them in
// the reading's exited list; where it also lets vigia register for
// taskstats (CAP_NET_ADMIN), every one with its CPU and the bytes it wrote
// from its record.
func TestShortLivedJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 200 processes")
	}
	t.Parallel()
	jobs := jobCount()
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProcesses(fs)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("sh", "-c", `read go; i=0; while [ $i -lt `+itoa(jobs)+` ]; do "$0" -test.run='^TestHelperBurn$' || exit 1; i=$((i+1)); done; echo done; read end`, self)
	sh.Env = append(os.Environ(), burnEnv+"="+t.TempDir())
	stdin, err := sh.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	shPID := int32(sh.Process.Pid)
	// Where vigia may make a cgroup (root), the shell gets one of its own,
	// whose cpu.stat must count the jobs' CPU after they are gone.
	cg := ownCgroup(t, shPID)
	defer func() {
		stdin.Close()
		sh.Wait()
		if cg != "" {
			os.Remove(cg)
		}
	}()

	t0 := time.Now()
	if _, err := p.Read(context.Background(), t0); err != ErrWarmup {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	stdin.Write([]byte("go\n"))
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "done" {
		t.Fatalf("the shell said %q, %v; want done", line, err)
	}
	t1 := time.Now()
	r, err := p.Read(context.Background(), t1)
	if err != nil {
		t.Fatal(err)
	}

	var shell *reading.Process
	for i := range r.Processes {
		if r.Processes[i].PID == shPID {
			shell = &r.Processes[i]
		}
	}
	if shell == nil {
		t.Fatalf("the shell %d is not in the table", shPID)
	}
	want := (time.Duration(jobs) * burnCPU).Seconds()
	if shell.ChildrenCPUTime < want {
		t.Errorf("the shell's children CPU = %.2f s, want at least %.2f s", shell.ChildrenCPUTime, want)
	}
	if got := shell.ChildrenCPUPercent / 100 * t1.Sub(t0).Seconds(); got < want*0.95 {
		t.Errorf("the shell's children CPU over the interval = %.2f s (%.0f %% over %v), want at least %.2f s", got, shell.ChildrenCPUPercent, t1.Sub(t0), want)
	}
	if cg != "" {
		b, err := os.ReadFile(filepath.Join(cg, "cpu.stat"))
		if err != nil {
			t.Fatal(err)
		}
		st, err := procfs.ParseCgroupCPUStat(b)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("the shell's own cgroup %s used %.2f s of CPU", cg, float64(st.UsageMicros)/1e6)
		if got := float64(st.UsageMicros) / 1e6; got < want {
			t.Errorf("the shell's cgroup used %.2f s of CPU, want at least %.2f s: its exited jobs' CPU", got, want)
		}
	}
	if forks, ok := r.Value(reading.ProcsForks); !ok || forks*t1.Sub(t0).Seconds() < float64(jobs) {
		t.Errorf("fork rate %v/s over %v, want at least %d forks", forks, t1.Sub(t0), jobs)
	}

	if r.Exits == nil {
		t.Fatal("no exits in the reading of this machine's /proc")
	}
	if !r.Exits.Watching {
		t.Skipf("process events not permitted (uid %d): children CPU checked, exited list not", os.Getuid())
	}
	// The exit of the last job may still be on its way through the socket.
	exited := r.Exits.Processes
	for deadline := time.Now().Add(5 * time.Second); countJobs(exited, shPID) < jobs && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		exited = append(exited, p.exits.x.drain().Processes...)
	}
	if n := countJobs(exited, shPID); n != jobs {
		for _, e := range exited {
			if e.PPID == shPID && !strings.Contains(e.Cmdline, "TestHelperBurn") {
				t.Logf("a child of the shell without the job's command line: %+v", e)
			}
		}
		t.Fatalf("exited list has %d jobs of the shell %d, want %d (lost %d)", n, shPID, jobs, r.Exits.Lost)
	}
	final, acct, cpu := 0, 0, 0.0
	for _, e := range exited {
		if e.PPID != shPID {
			continue
		}
		if e.Lifetime <= 0 || e.Status != 0 || e.Signal != 0 || !strings.Contains(e.Cmdline, "TestHelperBurn") {
			t.Errorf("exited job %+v: want a lifetime, status 0 and its command line", e)
		}
		if e.Final {
			final++
			cpu += e.CPUTime
		}
		if e.Taskstats {
			acct++
		}
		// The CPU clock the job stops on and the kernel's record count
		// the same runtime; 1 ms of slack for rounding to microseconds.
		if r.Exits.Taskstats && (!e.Taskstats || e.CPUTime < (burnCPU-time.Millisecond).Seconds() || e.WriteBytes < burnWrite) {
			t.Errorf("exited job %d: taskstats %v, CPU %.4f s, wrote %d bytes; want its record, at least %v and %d bytes",
				e.PID, e.Taskstats, e.CPUTime, e.WriteBytes, burnCPU, burnWrite)
		}
	}
	t.Logf("%d jobs exited in %v; %d with CPU and I/O at their exit (%d from taskstats, in use: %v), with %.2f s of CPU; %d overflows of the event buffer, %d of taskstats'",
		jobs, t1.Sub(t0), final, acct, r.Exits.Taskstats, cpu, r.Exits.Lost, r.Exits.TaskstatsLost)
	if !r.Exits.Taskstats && os.Geteuid() == 0 {
		t.Errorf("running as root, but taskstats is not in use")
	}
}

func countJobs(exited []reading.ExitedProcess, parent int32) int {
	n := 0
	for _, e := range exited {
		if e.PPID == parent && strings.Contains(e.Cmdline, "TestHelperBurn") {
			n++
		}
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

// ownCgroup moves pid into a new cgroup v2 group and returns its
// directory, or "" where no group can be made (not root, no cgroup2).
func ownCgroup(t *testing.T, pid int32) string {
	t.Helper()
	for _, mount := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		if _, err := os.Stat(filepath.Join(mount, "cgroup.controllers")); err != nil {
			continue
		}
		dir := filepath.Join(mount, "vigia-test-shortlived-"+strconv.Itoa(int(pid)))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Logf("no cgroup of its own: %v", err)
			return ""
		}
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(int(pid))), 0o644); err != nil {
			os.Remove(dir)
			t.Logf("no cgroup of its own: %v", err)
			return ""
		}
		return dir
	}
	return ""
}

// TestExitsRefused: where the kernel will not let vigia listen, every
// reading says the exited list cannot be had, rather than that nothing
// exited.
func TestExitsRefused(t *testing.T) {
	t.Parallel()
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newProcesses(fs, procfs.ProcTableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.watchExits(fs, func() (*procfs.ProcEvents, error) {
		return nil, fmt.Errorf("%w: %w", procfs.ErrNoProcEvents, unix.EPERM)
	}, nil)
	t0 := time.Now()
	if _, err := p.Read(context.Background(), t0); err != ErrWarmup {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	r, err := p.Read(context.Background(), t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Exits == nil || r.Exits.Watching || r.Exits.Processes == nil || len(r.Exits.Processes) != 0 {
		t.Errorf("Exits = %+v, want not watching and an empty list", r.Exits)
	}
}
