package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// throttleBurstShare is how much of a pass a cgroup must spend throttled
// for the pass to start a throttling burst: 10 % of the wall time. Less is
// the ordinary grain of a cpu.max quota and would make an event every pass.
const throttleBurstShare = 0.10

// throttleWatch turns a cgroup's cpu.stat throttling counters into the
// start of bursts: one event when a pass throttles the group past
// throttleBurstShare, and none more until a pass in which it was not
// throttled at all, so a group held at its quota for an hour is one event.
type throttleWatch struct {
	periods, micros uint64
	known, bursting bool
}

// step folds one walk's counters in and returns the event a burst starts
// with, or false.
func (w *throttleWatch) step(now time.Time, dt time.Duration, cpu procfs.CgroupCPUStat, where reading.Event) (reading.Event, bool) {
	prevPeriods, prevMicros, known := w.periods, w.micros, w.known
	w.periods, w.micros, w.known = cpu.Throttled, cpu.ThrottledMicros, cpu.HasThrottling
	// Counters only grow; smaller ones are a new group at the same path.
	if !known || !cpu.HasThrottling || dt <= 0 || cpu.Throttled < prevPeriods || cpu.ThrottledMicros < prevMicros {
		w.bursting = false
		return reading.Event{}, false
	}
	periods, micros := cpu.Throttled-prevPeriods, cpu.ThrottledMicros-prevMicros
	if periods == 0 {
		w.bursting = false
		return reading.Event{}, false
	}
	secs := float64(micros) / 1e6
	if w.bursting || secs < throttleBurstShare*dt.Seconds() {
		return reading.Event{}, false
	}
	w.bursting = true
	where.Time, where.Kind, where.Count, where.Value = now, reading.EventThrottled, periods, secs
	return where, true
}

// cgroupWhere returns an event with only its place filled: the cgroup's
// path and, when its path names one, its unit or container.
func cgroupWhere(path string, n *procfs.CgroupName) reading.Event {
	e := reading.Event{Cgroup: path}
	if d := n.Display(path); d != path {
		e.Unit = d
	}
	return e
}

// oomEvents turns the growth of cgroups' oom_kill counters into events,
// one per victim the kernel log names in that cgroup, and one with the
// count of the rest (a log not readable, or overwritten). grown maps a
// cgroup path to how many kills it gained.
func oomEvents(now time.Time, grown []oomGrowth, victims []procfs.OOMVictim) []reading.Event {
	var out []reading.Event
	used := make([]bool, len(victims))
	for _, g := range grown {
		n := procfs.ParseCgroupName(g.path)
		where := cgroupWhere(g.path, &n)
		where.Time, where.Kind = now, reading.EventOOMKill
		left := g.kills
		for i, v := range victims {
			if left == 0 {
				break
			}
			// A log line without the cgroup (an old kernel) matches the
			// first group that lost a process.
			if used[i] || v.Cgroup != "" && v.Cgroup != g.path {
				continue
			}
			used[i] = true
			e := where
			e.PID, e.Comm, e.Count = v.PID, v.Comm, 1
			out = append(out, e)
			left--
		}
		if left > 0 {
			e := where
			e.Count = left
			out = append(out, e)
		}
	}
	return out
}

// oomGrowth is one cgroup whose oom_kill counter grew by kills.
type oomGrowth struct {
	path  string
	kills uint64
}
