package store

import (
	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// explainExits adds to sp the processes that exited in [from, to), as
// the exits table holds them, with the CPU each used in the span: all of
// it for one that lived within the span, else the span's part of its
// life times its CPU (the kernel tells the total, not when it was used).
// Those that ended on a signal join the events.
func (s *Store) explainExits(sp *explain.Span, from, to int64) error {
	return s.scanExits(from, to, func(p reading.ExitedProcess, count, lost int) {
		sp.ExitsLost += lost
		if count == 0 {
			return
		}
		e := explain.Exit{Subject: explain.Subject{Kind: explain.Process, Name: p.Comm, PID: p.PID},
			PPID: p.PPID, Command: p.Cmdline, Start: p.Start, End: p.Exit, Lifetime: p.Lifetime,
			CPUSeconds: p.CPUTime, ReadBytes: p.ReadBytes, WriteBytes: p.WriteBytes, CoreDumped: p.CoreDumped, Count: count}
		if start, end := ms(p.Start), ms(p.Exit); !p.Start.IsZero() && start < from && end > start {
			e.CPUSeconds *= float64(end-max(start, from)) / float64(end-start)
		}
		if p.Signal != 0 {
			e.Signal = reading.SignalName(p.Signal)
			ev := reading.Event{Time: p.Exit, Kind: reading.EventProcessExit, PID: p.PID, Comm: p.Comm, Count: 1,
				Value: p.Lifetime, Resource: e.Signal}
			if p.CoreDumped {
				ev.Detail = "core"
			}
			sp.Events = append(sp.Events, explain.Event{Time: p.Exit, Event: &ev})
		}
		sp.Exits = append(sp.Exits, e)
	})
}

// explainEvents adds to sp the events table's events of [from, to): OOM
// kills, throttling bursts, pressure crossings.
func (s *Store) explainEvents(sp *explain.Span, from, to int64) error {
	evs, err := s.Events(fromMS(from), fromMS(to), []reading.EventKind{reading.EventOOMKill, reading.EventThrottled, reading.EventPressure})
	if err != nil {
		return err
	}
	for i := range evs {
		sp.Events = append(sp.Events, explain.Event{Time: evs[i].Time, Event: &evs[i]})
	}
	return nil
}
