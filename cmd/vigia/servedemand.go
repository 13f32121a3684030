package main

import (
	"time"

	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/server"
)

// idleProcessInterval is how often the agent walks the process table
// while nothing wants it (engine.Demand): a fifth of the walks, the walk
// being a fifth of the agent's CPU at the default 2 s.
const idleProcessInterval = 10 * time.Second

// processCadence returns the process walk's full and idle cadences and
// whether the full one is pinned: an interval set by hand is kept as it
// is, and so is the cadence a rule over the process table or its metrics
// (whose alerts would come late) or the vigia_process_* series
// (topProcesses) need.
func (s *setup) processCadence(topProcesses int) (full, idle time.Duration, pinned bool) {
	full = s.intervals[reading.SensorProcesses]
	pinned = s.intervalSet[reading.SensorProcesses] || topProcesses > 0
	for _, r := range s.engineRules() {
		pinned = pinned || r.Kind == rule.Process || r.Sensor == reading.SensorProcesses ||
			reading.SensorOf(r.Metric) == reading.SensorProcesses
	}
	return full, max(idleProcessInterval, full), pinned
}

// processDemand governs the process walk's cadence by demand; nil when
// the agent does not walk processes or never idles the walk.
func (s *setup) processDemand(eng *engine.Engine, topProcesses int) *engine.Demand {
	full, idle, pinned := s.processCadence(topProcesses)
	d := eng.NewDemand(reading.SensorProcesses, full, idle, engine.DemandHold)
	d.Pin(pinned)
	if d != nil && s.procs != nil {
		// Processes exiting faster than idle walks take them want the
		// full cadence too, as a reader would: the exits a reading
		// carries are bounded, and so are the timeline's.
		s.procs.OnBusy(func() {
			release, _ := d.Want()
			release()
		})
	}
	return d
}

// wanted is d for the server, or no Wanted at all when there is none.
func wanted(d *engine.Demand) server.Wanted {
	if d == nil {
		return nil
	}
	return d
}
