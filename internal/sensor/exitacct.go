package sensor

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Taskstats gives each exited process its CPU and I/O as the kernel
// counted them at the exit, where /proc can only be read if the process
// is still a zombie when vigia looks. The records come on a socket of
// their own, so a record and the connector's exit of the same process
// arrive in either order: whichever comes first waits for the other,
// matched by PID and start time. An exit whose record has not come within
// acctGrace is listed with what /proc gave.

const (
	// acctGrace is how long an exit waits for its record: the kernel sends
	// the record before the exit event, so only a lagging reader makes it
	// late.
	acctGrace = 500_000_000 // ns
	// acctKeep is how long a record waits for its exit; a thread's record,
	// or one whose exit was lost, waits no longer.
	acctKeep = 10_000_000_000 // ns
	// acctStartSlack is how far, in seconds, the kernel's begin time
	// (whole seconds, computed at the exit) may be from the start vigia
	// noted for the same process.
	acctStartSlack = 2
)

type acctRec struct {
	procfs.TaskExit
	at uint64 // monotonic ns of arrival
}

type waitingExit struct {
	reading.ExitedProcess
	at uint64
}

// account takes one taskstats record. A thread's record (version 12 and
// later name the thread group) is summed into its group's until the
// group's last thread's, which completes the process.
func (x *exitTracker) account(r procfs.TaskExit) {
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.mono()
	key := r.PID
	if r.TGID != 0 {
		key = r.TGID
		g := x.groups[r.TGID]
		if r.PID != r.TGID && !r.GroupDead {
			if g == nil {
				if len(x.groups) >= maxTracked {
					clear(x.groups)
				}
				g = &acctRec{TaskExit: r}
				x.groups[r.TGID] = g
			} else {
				addTask(&g.TaskExit, r, false)
			}
			g.at = now
			return
		}
		if g != nil {
			addTask(&g.TaskExit, r, r.PID == r.TGID)
			r = g.TaskExit
			delete(x.groups, key)
		}
	}
	for i := range x.waiting {
		w := &x.waiting[i]
		if w.PID == key && startMatches(&w.ExitedProcess, r.Begin) {
			fillFromTaskstats(&w.ExitedProcess, r)
			x.exited = append(x.exited, w.ExitedProcess)
			x.waiting = append(x.waiting[:i], x.waiting[i+1:]...)
			return
		}
	}
	if len(x.acct) >= maxTracked {
		clear(x.acct)
	}
	x.acct[key] = acctRec{TaskExit: r, at: now}
}

// addTask sums a thread's record into its group's; the leader's name,
// parent and lifetime stand for the process.
func addTask(g *procfs.TaskExit, r procfs.TaskExit, leader bool) {
	g.User += r.User
	g.System += r.System
	g.RunReal += r.RunReal
	g.ReadBytes += r.ReadBytes
	g.WriteBytes += r.WriteBytes
	g.Begin = min(g.Begin, r.Begin)
	g.GroupDead = g.GroupDead || r.GroupDead
	if leader || g.Elapsed < r.Elapsed {
		g.Elapsed = r.Elapsed
	}
	if leader {
		g.PID, g.Comm, g.PPID, g.ExitCode = r.PID, r.Comm, r.PPID, r.ExitCode
	}
}

// settle is called under mu with a connector exit: it takes the waiting
// record, or waits for one.
func (x *exitTracker) settle(e reading.ExitedProcess) {
	if r, ok := x.acct[e.PID]; ok && startMatches(&e, r.Begin) {
		delete(x.acct, e.PID)
		fillFromTaskstats(&e, r.TaskExit)
		x.exited = append(x.exited, e)
		return
	}
	x.waiting = append(x.waiting, waitingExit{ExitedProcess: e, at: x.mono()})
}

// expire is called under mu by drain: exits that waited acctGrace go out
// without a record, records that waited acctKeep are dropped.
func (x *exitTracker) expire() {
	now := x.mono()
	kept := x.waiting[:0]
	for _, w := range x.waiting {
		if now-w.at >= acctGrace {
			x.exited = append(x.exited, w.ExitedProcess)
			continue
		}
		kept = append(kept, w)
	}
	clear(x.waiting[len(kept):])
	x.waiting = kept
	for pid, r := range x.acct {
		if now-r.at >= acctKeep {
			delete(x.acct, pid)
		}
	}
	for tgid, g := range x.groups {
		if now-g.at >= 6*acctKeep {
			delete(x.groups, tgid)
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
	e.CPUTime = float64(r.User+r.System) / 1e6
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
	}
}
