package sensor

import (
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// procLook is what the exit tracker reads of a living process from /proc.
type procLook struct {
	PPID      int32
	Comm      string
	Cmdline   string
	Start     time.Time
	CPUTime   float64 // seconds
	ReadBytes uint64
	WriteB    uint64
}

// exitTracker turns the connector's forks, execs and exits into exited
// processes. At a fork it notes the parent and the time; at an exec it
// reads the new program's name and command line from /proc, while the
// process lives; at an exit it reads /proc once more for the final CPU
// and I/O (the process is still there until its parent reaps it) and
// moves the process to the exited list, which drain hands over. Threads
// are left out: only a thread-group leader is a process.
//
// handle is called by one goroutine, drain by another: mu guards both.
type exitTracker struct {
	// look reads a process from /proc, its command line at an exec and its
	// I/O at an exit (the only times each is worth its cost); false when
	// the process is gone.
	look func(pid int32, exit bool) (procLook, bool)
	// wall turns the connector's monotonic nanoseconds into wall time;
	// mono is the monotonic clock in the same nanoseconds.
	wall func(nanos uint64) time.Time
	mono func() uint64

	mu     sync.Mutex
	live   map[int32]*tracked
	exited []reading.ExitedProcess
	lost   int
	// busy, when set, is called as the exits waiting for the next walk
	// reach exitsBusy (Processes.OnBusy).
	busy func()

	// With a taskstats listener (exitacct.go): the records summed by
	// thread group, the exits waiting for them, and the overflows of the
	// socket.
	taskstats     bool
	acct          map[int32]*acctRec
	waiting       []waitingExit
	acctLost      int
	acctLostTotal uint64
}

type tracked struct {
	procLook
	forkNanos uint64 // 0 when the fork was not seen
	read      bool   // procLook came from /proc, not the parent's copy
}

// maxTracked bounds the living processes the tracker remembers; beyond it
// (PIDs whose exit was lost) the map starts over, and the exits of the
// forgotten ones are still listed with what /proc has at their exit.
const maxTracked = 1 << 16

func newExitTracker(look func(int32, bool) (procLook, bool), wall func(uint64) time.Time, mono func() uint64) *exitTracker {
	return &exitTracker{look: look, wall: wall, mono: mono, live: make(map[int32]*tracked),
		acct: make(map[int32]*acctRec)}
}

// handle takes one event.
func (x *exitTracker) handle(ev procfs.ProcEvent) {
	if ev.PID != ev.TGID {
		return // a thread
	}
	switch ev.Kind {
	case procfs.ProcEventFork:
		t := &tracked{forkNanos: ev.Nanos}
		t.PPID = ev.ParentTGID
		x.mu.Lock()
		if p := x.live[ev.ParentTGID]; p != nil {
			// Until it execs, a child runs its parent's program.
			t.Comm, t.Cmdline = p.Comm, p.Cmdline
		}
		if len(x.live) >= maxTracked {
			clear(x.live)
		}
		x.live[ev.PID] = t
		x.mu.Unlock()
	case procfs.ProcEventExec:
		look, ok := x.look(ev.PID, false)
		if !ok {
			return
		}
		x.mu.Lock()
		t := x.live[ev.PID]
		if t == nil {
			t = &tracked{}
			if len(x.live) >= maxTracked {
				clear(x.live)
			}
			x.live[ev.PID] = t
		}
		t.procLook, t.read = look, true
		x.mu.Unlock()
	case procfs.ProcEventExit:
		// With taskstats the record has the final CPU and I/O: the two
		// reads of /proc, most of an exit's cost, are spared.
		var final procLook
		finalOK := false
		if !x.taskstats {
			final, finalOK = x.look(ev.PID, true)
		}
		x.mu.Lock()
		defer x.mu.Unlock()
		t := x.live[ev.PID]
		delete(x.live, ev.PID)
		if len(x.exited)+len(x.waiting) >= reading.MaxExited {
			x.lost++
			return
		}
		if t == nil {
			t = &tracked{}
		}
		e := reading.ExitedProcess{
			PID:        ev.PID,
			PPID:       t.PPID,
			Comm:       t.Comm,
			Cmdline:    t.Cmdline,
			Start:      t.Start,
			Exit:       x.wall(ev.Nanos),
			CPUTime:    t.CPUTime,
			ReadBytes:  t.ReadBytes,
			WriteBytes: t.WriteB,
		}
		if finalOK {
			if e.Comm == "" || !t.read {
				e.Comm, e.Cmdline, e.Start = final.Comm, final.Cmdline, final.Start
			}
			e.CPUTime, e.ReadBytes, e.WriteBytes, e.Final = final.CPUTime, final.ReadBytes, final.WriteB, true
			if e.PPID == 0 {
				e.PPID = final.PPID
			}
		}
		if ev.ParentTGID != 0 {
			e.PPID = ev.ParentTGID
		}
		switch {
		case t.forkNanos != 0 && ev.Nanos >= t.forkNanos:
			e.Lifetime = float64(ev.Nanos-t.forkNanos) / 1e9
			e.Start = x.wall(t.forkNanos)
		case !e.Start.IsZero() && e.Exit.After(e.Start):
			e.Lifetime = e.Exit.Sub(e.Start).Seconds()
		}
		e.Status = int(ev.ExitCode>>8) & 0xff
		e.Signal = int(ev.ExitCode & 0x7f)
		e.CoreDumped = ev.ExitCode&0x80 != 0
		if x.taskstats {
			x.waiting = append(x.waiting, waitingExit{ExitedProcess: e, at: x.mono()})
		} else {
			x.exited = append(x.exited, e)
		}
		if len(x.exited)+len(x.waiting) == exitsBusy && x.busy != nil {
			x.busy()
		}
	}
}

// exitsBusy is how many exits waiting for the next walk make the tracker
// call busy: a quarter of what a reading carries (reading.MaxExited),
// and eight times the signal exits a walk adds to the timeline, so that a
// walk that comes sooner keeps them.
const exitsBusy = reading.MaxExited / 4

// lose counts events the kernel dropped.
func (x *exitTracker) lose() {
	x.mu.Lock()
	x.lost++
	x.mu.Unlock()
}

// loseAcct counts overflows of the taskstats socket.
func (x *exitTracker) loseAcct() {
	x.mu.Lock()
	x.acctLost++
	x.acctLostTotal++
	x.mu.Unlock()
}

// drain hands over the processes that exited since the last drain.
func (x *exitTracker) drain() *reading.Exits {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.taskstats {
		x.expire()
	}
	out := &reading.Exits{Watching: true, Processes: x.exited, Lost: x.lost,
		Taskstats: x.taskstats, TaskstatsLost: x.acctLost, TaskstatsLostTotal: x.acctLostTotal}
	if out.Processes == nil {
		out.Processes = []reading.ExitedProcess{}
	}
	x.exited, x.lost, x.acctLost = nil, 0, 0
	return out
}
