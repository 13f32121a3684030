package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Taskstats gives each exited process its CPU and I/O as the kernel
// counted them at the exit, where /proc can only be read if the process
// is still a zombie when vigia looks. The records come on a socket of
// their own, one per thread, so the records of a process and the
// connector's exit arrive in any order. The tracker sums the records by
// thread group, and at each drain an exit takes its group's sum, matched
// by PID and start time, once the group is whole: its last thread's
// record says so, or, for a process of one thread, which has no such
// record, acctSettle has passed since its leader's. An exit whose record
// has not come within acctGrace is listed with what /proc gave at its exec
// (not at its exit: with taskstats that read is spared).

const (
	// acctSettle is how long after its leader's record a process is taken
	// to have had no other threads: when a group exits, its threads' records
	// come within a few scheduler ticks of each other.
	acctSettle = 50_000_000 // ns
	// acctGrace is how long an exit waits for its record: the kernel sends
	// the record before the exit event, so only a lagging reader makes it
	// late. Half a second was not enough on a machine with a spinner on
	// every core and a test suite beside it: the spinner's exit went out
	// without its CPU. Only an exit whose record was lost waits it out.
	acctGrace = 3_000_000_000 // ns
	// acctKeep is how long a record waits for its exit; a thread's record,
	// or one whose exit was lost, waits no longer.
	acctKeep = 10_000_000_000 // ns
	// acctStartSlack is how far, in seconds, the kernel's begin time
	// (whole seconds, computed at the exit) may be from the start vigia
	// noted for the same process.
	acctStartSlack = 2
)

// acctRec is a thread group's records summed so far.
type acctRec struct {
	procfs.TaskExit
	at       uint64 // monotonic ns of the latest record
	leaderAt uint64 // of the leader's record, 0 before it came
}

type waitingExit struct {
	reading.ExitedProcess
	at uint64
}

// account takes one taskstats record into its thread group's sum. Before
// version 12 a record does not name its group, and a process's is its
// leader's alone.
func (x *exitTracker) account(r procfs.TaskExit) {
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.mono()
	key := r.TGID
	if key == 0 {
		key = r.PID
	}
	leader := r.PID == key
	g := x.acct[key]
	if g == nil || g.GroupDead {
		if g == nil && len(x.acct) >= maxTracked {
			clear(x.acct)
		}
		g = &acctRec{TaskExit: r}
		x.acct[key] = g
	} else {
		addTask(&g.TaskExit, r, leader)
	}
	g.at = now
	if leader {
		g.leaderAt = now
	}
}

// addTask sums a thread's record into its group's; the leader's name,
// parent and lifetime stand for the process.
func addTask(g *procfs.TaskExit, r procfs.TaskExit, leader bool) {
	g.User += r.User
	g.System += r.System
	g.RunReal += r.RunReal
	g.RunVirtual += r.RunVirtual
	g.ReadBytes += r.ReadBytes
	g.WriteBytes += r.WriteBytes
	g.Begin = min(g.Begin, r.Begin)
	g.GroupDead = g.GroupDead || r.GroupDead
	if leader {
		g.PID, g.Comm, g.PPID, g.ExitCode, g.Elapsed = r.PID, r.Comm, r.PPID, r.ExitCode, r.Elapsed
	}
}

// expire is called under mu by drain: an exit whose group is whole takes
// its sum, one that waited acctGrace goes out with what there is, and
// records that waited acctKeep are dropped.
func (x *exitTracker) expire() {
	now := x.mono()
	kept := x.waiting[:0]
	for _, w := range x.waiting {
		g := x.acct[w.PID]
		if g != nil && !startMatches(&w.ExitedProcess, g.Begin) {
			g = nil
		}
		whole := g != nil && (g.GroupDead || g.leaderAt != 0 && now-g.leaderAt >= acctSettle)
		if !whole && now-w.at < acctGrace {
			kept = append(kept, w)
			continue
		}
		if g != nil && (whole || g.leaderAt != 0) {
			fillFromTaskstats(&w.ExitedProcess, g.TaskExit)
			delete(x.acct, w.PID)
		}
		x.exited = append(x.exited, w.ExitedProcess)
	}
	clear(x.waiting[len(kept):])
	x.waiting = kept
	for pid, g := range x.acct {
		if now-g.at >= acctKeep {
			delete(x.acct, pid)
		}
	}
}

func startMatches(e *reading.ExitedProcess, begin int64) bool {
	if e.Start.IsZero() {
		return true
	}
	d := e.Start.Unix() - begin
	return -acctStartSlack <= d && d <= acctStartSlack
}

func fillFromTaskstats(e *reading.ExitedProcess, r procfs.TaskExit) {
	// The scheduler's runtime is exact, the tick's sample is not (a 20 ms
	// job may show 12 or 28); /proc scales the sample to the runtime.
	e.CPUTime = float64(r.User+r.System) / 1e6
	if r.RunVirtual > 0 {
		e.CPUTime = float64(r.RunVirtual) / 1e9
	}
	e.ReadBytes, e.WriteBytes = r.ReadBytes, r.WriteBytes
	e.Final, e.Taskstats = true, true
	if e.Comm == "" {
		e.Comm, e.Cmdline = r.Comm, ""
	}
	if e.PPID == 0 {
		e.PPID = r.PPID
	}
	if e.Lifetime == 0 && r.Elapsed > 0 {
		e.Lifetime = float64(r.Elapsed) / 1e6
		if e.Start.IsZero() {
			e.Start = e.Exit.Add(-time.Duration(r.Elapsed) * time.Microsecond)
		}
	}
}
