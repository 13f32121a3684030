package server

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Wanted is told that readings are wanted: engine.Demand. fresh, when
// not zero, says they were taken at an idle cadence until then: a reading
// taken before it may be old.
type Wanted interface {
	Want() (release func(), fresh time.Time)
}

// freshWait bounds how long an answer waits for the walk that a request
// to an idle process sensor started: a walk of 10,000 processes takes a
// few tens of milliseconds.
const freshWait = 2 * time.Second

// wantProcesses marks the process readings wanted until release. When
// the sensor was just woken from its idle cadence it waits, up to
// freshWait or the request's end, for a walk taken since, so that the
// answer is not the idle cadence's old one: the request that woke it and
// any that came while that walk ran.
func (s *Server) wantProcesses(ctx context.Context) (release func()) {
	release, fresh := s.want()
	if fresh.IsZero() || !s.processesTime().Before(fresh) {
		return release
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(freshWait)
	defer deadline.Stop()
	for s.processesTime().Before(fresh) {
		select {
		case <-ctx.Done():
			return release
		case <-deadline.C:
			return release
		case <-tick.C:
		}
	}
	return release
}

// holdProcesses marks the process readings wanted until release, without
// waiting for a fresh one.
func (s *Server) holdProcesses() (release func()) {
	release, _ = s.want()
	return release
}

// want tells Options.Processes, if any, that processes are wanted.
func (s *Server) want() (release func(), fresh time.Time) {
	if s.opts.Processes == nil {
		return func() {}, time.Time{}
	}
	return s.opts.Processes.Want()
}

// processesTime is the time of the latest process reading (zero: none).
func (s *Server) processesTime() time.Time {
	for _, rd := range s.opts.State.Snapshot() {
		if rd.Sensor == reading.SensorProcesses {
			return rd.Time
		}
	}
	return time.Time{}
}
