package main

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// spinEnv makes the test binary, run as a child, burn the processors for
// the duration it holds and exit: the known spike of
// TestReportExplainsASpike.
const spinEnv = "VIGIA_TEST_SPIN"

func init() {
	d, err := time.ParseDuration(os.Getenv(spinEnv))
	if err != nil {
		return
	}
	end := time.Now().Add(d)
	for range runtime.NumCPU() - 1 {
		go spin(end)
	}
	spin(end)
	os.Exit(0)
}

func spin(end time.Time) {
	for n := 0; ; n++ {
		if n%1_000_000 == 0 && time.Now().After(end) {
			return
		}
	}
}

// TestReportExplainsASpike records the processes and the cgroups every
// 250 ms while a child with a name of its own burns the processors for
// three seconds, then asks report --explain for those seconds: the child
// leads what rose in CPU time, with about the CPU time it used and its
// share of the rise; its cgroup is among the cgroups whose CPU rose; and
// it is among the processes that ended, with its CPU.
// On a machine busy with other work the child gets a share of the
// processors, not all of them, and another program may truly have risen
// more in those seconds: the spike is tried up to three times.
func TestReportExplainsASpike(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for try := 1; ; try++ {
		res, text, used := spike(t, self)
		rk := res.Ranked[0]
		first := rk.Rose[0]
		// What the kernel says the child used, less what the recording
		// misses: its last interval before it exited.
		group, inGroup := cgroupRose(res, cgroupOf(t))
		if first.Name == "vigiaspike" && inGroup {
			checkExited(t, res, used, text)
			if first.After < 0.6*used || first.After > 1.1*used+0.05 || math.Abs(first.Share-first.Delta/rk.Rise) > 1e-9 {
				t.Errorf("first CPU rise %+v, want vigiaspike with about the %.2f CPU-s it used, and its share of %.2f:\n%s", first, used, rk.Rise, text)
			}
			lines := strings.Split(text, "\n")
			if len(lines) < 4 || !strings.HasPrefix(lines[2], "CPU time rose") || !strings.HasPrefix(strings.TrimSpace(lines[3]), "vigiaspike (") ||
				!strings.Contains(lines[3], "% of the rise") {
				t.Errorf("report --explain does not show vigiaspike first with its share:\n%s", text)
			}
			t.Logf("try %d, the spinner used %.2f CPU-s:\n%s", try, used, text)
			return
		}
		if try == 3 {
			t.Fatalf("three tries, and vigiaspike (%.2f CPU-s used) never led the CPU rises; the last:\n%s", used, text)
		}
		t.Logf("try %d: %s rose more than vigiaspike (%.2f CPU-s used), or its cgroup %q was not among the rises %+v", try, first.Name, used, group, res.Cgroups)
	}
}

// cgroupOf returns the cgroup v2 path of the test's process, which its
// children share: the "0::" line of /proc/self/cgroup ("" on a host with
// only v1 hierarchies, whose walk names groups otherwise).
func cgroupOf(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			return path
		}
	}
	return ""
}

// cgroupRose reports whether the cgroup at path is among the cgroups
// whose CPU rose, with a share in (0, 1]; without a v2 path, whether any
// cgroup's CPU rose.
func cgroupRose(res explain.Result, path string) (string, bool) {
	for _, rk := range res.Cgroups {
		if rk.Resource != explain.CPU {
			continue
		}
		for _, l := range rk.Rose {
			if (path == "" || l.ID == path) && l.Kind == explain.Cgroup && l.Share > 0 && l.Share <= 1 {
				return path, true
			}
		}
	}
	return path, false
}

// checkExited: the child is among the processes that ended in the
// window, with at least half the CPU the kernel says it used (all of it
// where the kernel's process events were heard; what the passes recorded
// elsewhere).
func checkExited(t *testing.T, res explain.Result, used float64, text string) {
	t.Helper()
	for _, e := range res.Exited.Processes {
		if e.Name == "vigiaspike" {
			if e.CPUSeconds < 0.5*used || e.CPUSeconds > 1.1*used+0.05 || e.Share <= 0 || e.Share > 1 {
				t.Errorf("exited vigiaspike %+v, want about the %.2f CPU-s it used", e, used)
			}
			if !strings.Contains(text, "Ended in the window:") || !strings.Contains(text, "By cgroup") {
				t.Errorf("report --explain lacks the exits or the cgroups:\n%s", text)
			}
			return
		}
	}
	t.Errorf("vigiaspike is not among the exited processes %+v:\n%s", res.Exited, text)
}

// spike records while a child burns the processors, and returns
// report --explain for its life, as JSON and as text, and the CPU time the
// kernel says the child used.
func spike(t *testing.T, self string) (explain.Result, string, float64) {
	// vigiaspike is this test's alone: the tests run in parallel, and
	// another test's spinner of the same name was once ranked first.
	rec := recordChild(t, self, "vigiaspike", spinEnv+"=3s")
	st := rec.child
	used := (st.UserTime() + st.SystemTime()).Seconds()
	res, out := rec.explain(t)
	if len(res.Ranked) == 0 || res.Ranked[0].Resource != explain.CPU || len(res.Ranked[0].Rose) == 0 {
		t.Fatalf("no CPU rise:\n%s", out)
	}
	text, errOut, code := vigia(t, nil, rec.reportArgs()...)
	if code != 0 {
		t.Fatalf("report --explain: exit %d: %s", code, errOut)
	}
	return res, text, used
}

// childRecording is a span vigia watch --record kept while a child of the test
// ran: the database, the child's life and how it ended.
type childRecording struct {
	db       string
	from, to time.Time
	child    *os.ProcessState
}

// recordChild records the processes and the cgroups every 250 ms while
// the test binary runs again as a process named name with env set, after a
// two-second baseline, and stops the recording with SIGINT once a pass has
// handed over the child's exit: the kernel's exit event where vigia hears
// them, the pass's own diff elsewhere. (A fixed count of readings once
// ended the recording before the exit was heard, on a machine so loaded
// that the child took a second to start.)
func recordChild(t *testing.T, self, name, env string) childRecording {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigia.db")
	// The kernel names a process after the file it was run as.
	named := filepath.Join(dir, name)
	if err := os.Symlink(self, named); err != nil {
		t.Fatal(err)
	}
	watch := exec.Command(vigiaBin, "watch", "--record", "--db", db, "--sensors", "processes,cgroups", "--interval", "250ms", "--json")
	watch.Env = cleanEnv(t)
	out := startPiped(t, watch, nil)
	exits := newPassExits()
	go exits.read(out)
	time.Sleep(2 * time.Second) // a baseline
	from := time.Now()
	child := exec.Command(named)
	child.Env = append(os.Environ(), env)
	// A session of its own is a scheduling group of its own where the
	// kernel groups by session (autogroup): the child then gets a share
	// of the processors like the whole of go test's builds and tests, not
	// one process's among them.
	child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill() })
	if err := child.Wait(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	to := time.Now()
	if !exits.await(int32(child.Process.Pid), 30*time.Second) {
		t.Fatalf("no pass of watch --record handed over the exit of %s (%d) within 30 s of it, or watch ended first", name, child.Process.Pid)
	}
	exits.mu.Lock()
	t.Logf("the exit of %s (%d) as watch handed it over: %s", name, child.Process.Pid, exits.records[int32(child.Process.Pid)])
	exits.mu.Unlock()
	if err := watch.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := watch.Wait(); err != nil {
		t.Fatalf("watch --record, stopped by SIGINT: %v", err)
	}
	return childRecording{db: db, from: from, to: to, child: child.ProcessState}
}

// passExits holds the PIDs whose exit watch --json's processes readings
// handed over: those the kernel's exit events saw where vigia hears them,
// else those a pass found gone.
type passExits struct {
	mu      sync.Mutex
	seen    map[int32]bool
	records map[int32]string // the exit as the reading had it, where it came as one
	changed chan struct{}    // a token after each reading; closed at the end of the stream
}

func newPassExits() *passExits {
	return &passExits{seen: map[int32]bool{}, records: map[int32]string{}, changed: make(chan struct{}, 1)}
}

// read takes the stream to its end. It never blocks on the test, which
// would stall the watch's output.
func (x *passExits) read(out io.Reader) {
	defer close(x.changed)
	dec := json.NewDecoder(out)
	for {
		var r struct {
			Sensor string
			Exits  *struct {
				Watching  bool
				Processes []json.RawMessage
			}
			Events []struct {
				Kind reading.EventKind
				PID  int32
			}
		}
		if dec.Decode(&r) != nil {
			return
		}
		if r.Sensor != reading.SensorProcesses {
			continue
		}
		x.mu.Lock()
		if r.Exits != nil && r.Exits.Watching {
			for _, raw := range r.Exits.Processes {
				var p struct{ PID int32 }
				if json.Unmarshal(raw, &p) == nil {
					x.seen[p.PID] = true
					x.records[p.PID] = string(raw)
				}
			}
		} else {
			for _, e := range r.Events {
				if e.Kind == reading.EventProcessExit {
					x.seen[e.PID] = true
				}
			}
		}
		x.mu.Unlock()
		select {
		case x.changed <- struct{}{}:
		default:
		}
	}
}

// await reports whether pid's exit was handed over within wait; false
// too when the stream ends without it.
func (x *passExits) await(pid int32, wait time.Duration) bool {
	deadline := time.After(wait)
	for {
		x.mu.Lock()
		seen := x.seen[pid]
		x.mu.Unlock()
		if seen {
			return true
		}
		select {
		case _, open := <-x.changed:
			if !open {
				x.mu.Lock()
				defer x.mu.Unlock()
				return x.seen[pid]
			}
		case <-deadline:
			return false
		}
	}
}

func (r childRecording) reportArgs() []string {
	return []string{"report", "--explain", "--db", r.db, "--from", r.from.Format(time.RFC3339Nano), "--to", r.to.Format(time.RFC3339Nano)}
}

// explain returns report --explain --json over the child's life, and the
// JSON as printed.
func (r childRecording) explain(t *testing.T) (explain.Result, string) {
	out, errOut, code := vigia(t, nil, append(r.reportArgs(), "--json")...)
	if code != 0 {
		t.Fatalf("report --explain --json: exit %d: %s", code, errOut)
	}
	var res explain.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("report --explain --json: %v\n%s", err, out)
	}
	return res, out
}

// TestReportExplainUsage: a bad --at, --at with --from, --at without
// --explain and a bad --before each get a message saying what is wrong.
func TestReportExplainUsage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--explain", "--at", "tomorrowish"}, `--at: "tomorrowish" is not a time`},
		{[]string{"--explain", "--at", "03:00", "--from", "02:00"}, "--at cannot be combined with --since, --from or --to"},
		{[]string{"--at", "03:00"}, "--at and --before go with --explain"},
		{[]string{"--explain", "--before", "-4m"}, `--before "-4m": want a positive duration`},
	} {
		_, errOut, code := runIn(t, now, append([]string{"report", "--db", filepath.Join(t.TempDir(), "none.db")}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("report %v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestTopExplainKeyInTmux records with top --record while a child with a
// name of its own spins, then presses e: the page of what changed in the
// last minute lists the child among the CPU rises, with its share. (Over
// a whole minute of a busy machine others may have risen more: its rank
// is TestReportExplainsASpike's to check.)
func TestTopExplainKeyInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spinner := filepath.Join(dir, "vigiakeyspin")
	if err := os.Symlink(self, spinner); err != nil {
		t.Fatal(err)
	}
	p := newPane(t, "vigia-explain", 120, 40)
	p.keys(vigiaBin+" top --record --db "+filepath.Join(dir, "vigia.db")+" --interval 250ms", "Enter")
	p.waitFor("the process table", contains("COMMAND"))
	child := exec.Command(spinner)
	child.Env = append(os.Environ(), spinEnv+"=4s")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill() })
	if err := child.Wait(); err != nil {
		t.Fatalf("spinner: %v", err)
	}
	time.Sleep(2 * time.Second) // the store writes a transaction a second
	p.keys("x")
	s := p.waitFor("the explanation", func(s string) bool {
		return strings.Contains(s, "What changed") && strings.Contains(s, "CPU time rose")
	})
	// By its name: a child the table first sees between fork and exec,
	// under its parent's name (vigia.test), takes its own once seen after
	// the exec.
	found := false
	for _, l := range strings.Split(s, "\n") {
		found = found || (strings.Contains(l, "vigiakeyspin (") && strings.Contains(l, "% of the rise"))
	}
	if !found {
		t.Errorf("the explain page does not list vigiakeyspin with its share:\n%s", s)
	}
	p.keys("Escape")
	p.waitFor("the process table again", contains("COMMAND"))
	p.keys("q")
	p.waitFor("the shell", func(s string) bool { return !strings.Contains(s, "COMMAND") })
}
