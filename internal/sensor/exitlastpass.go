package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// lastPass remembers for a few seconds what the process table last saw of
// each process a pass found gone, so that an exit whose own count never
// came (its taskstats record lost, or later than acctGrace behind a
// lagging reader; /proc already without it at the exit) is listed with
// the CPU time of its last pass, short only of its last interval, rather
// than with the CPU time it had at its exec: nothing, for a process that
// spun for seconds and exited.
type lastPass struct {
	seen map[int32]lastSeen
}

type lastSeen struct {
	start time.Time // when the process started, as the table has it
	cpu   float64   // CPU seconds at its last pass
	at    time.Time // the pass that found it gone
}

const (
	// lastPassKeep is how long a gone process is remembered: past the
	// longest an exit waits for its record (acctGrace) and a pass.
	lastPassKeep = 10 * time.Second
	// lastPassStartSlack is how far apart the table's start time (whole
	// clock ticks after a boot time in whole seconds) and the exit's may
	// be for the same process.
	lastPassStartSlack = 2 * time.Second
)

// note takes the processes a pass at now found gone, and forgets those
// found gone more than lastPassKeep ago.
func (l *lastPass) note(now time.Time, gone []procfs.GoneProcess, hz float64, start func(uint64) time.Time) {
	for pid, s := range l.seen {
		if now.Sub(s.at) > lastPassKeep {
			delete(l.seen, pid)
		}
	}
	if len(gone) == 0 || hz <= 0 {
		return
	}
	if l.seen == nil {
		l.seen = make(map[int32]lastSeen)
	}
	for _, g := range gone {
		l.seen[g.PID] = lastSeen{start: start(g.StartTicks), cpu: float64(g.Ticks) / hz, at: now}
	}
}

// fill raises the CPU time of each exit that is not final to what its last
// pass saw, when that is more.
func (l *lastPass) fill(ex *reading.Exits) {
	if ex == nil || len(l.seen) == 0 {
		return
	}
	for i := range ex.Processes {
		e := &ex.Processes[i]
		if e.Final || e.Start.IsZero() {
			continue
		}
		s, ok := l.seen[e.PID]
		if !ok || s.cpu <= e.CPUTime || e.Start.Sub(s.start).Abs() > lastPassStartSlack {
			continue
		}
		e.CPUTime = s.cpu
	}
}
