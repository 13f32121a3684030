package rule

import (
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// absentState is the state machine of one absent rule. It is kept apart
// from the sensors' series so that a sensor's own vanishing series do not
// take it along.
type absentState struct {
	idx    int    // in Evaluator.rules
	sensor string // whose readings it judges
	s      series
	err    string // the sensor's last error, for messages
}

func checkAbsent(r *Rule, p *problems) {
	if r.Metric == "" && r.Sensor == "" {
		p.add("kind", "an absent rule needs a sensor or a metric to watch")
	}
	if r.Metric != "" {
		if r.checkMetric(p, false) && r.Sensor != "" && reading.SensorOf(r.Metric) != r.Sensor {
			p.add("sensor", "metric %q comes from sensor %q, not %q", r.Metric, reading.SensorOf(r.Metric), r.Sensor)
		}
	} else if r.Sensor != "" && (!reading.IsSensor(r.Sensor) || r.Sensor == reading.SensorSelf) {
		p.add("sensor", "unknown sensor %q (cpu, memory, load, temperature, disk, network, processes)", r.Sensor)
	}
	if r.Metric == "" && len(r.Match) > 0 {
		p.add("labels", "labels select series of a metric: an absent rule on a sensor takes none")
	}
	r.checkSeverity(p)
}

func newAbsentState(r *Rule, idx int) absentState {
	a := absentState{idx: idx, sensor: r.Sensor}
	if r.Metric != "" {
		a.sensor = reading.SensorOf(r.Metric)
	}
	a.s = series{level: reading.Normal, metric: reading.Metric{Name: r.Metric, Labels: reading.Labels(r.Match).Sorted()}}
	return a
}

// gone reports whether reading r lacks what absent rule rl watches.
func gone(rl *Rule, r *reading.Reading) bool {
	if r.Err != "" {
		return true
	}
	if rl.Metric == "" {
		return false
	}
	for i := range r.Metrics {
		if rl.Matches(&r.Metrics[i]) {
			return false
		}
	}
	return true
}

// evalAbsent steps the absent rules: those watching r's sensor judge r, and
// every other one that is pending raises its alert once For has run out,
// whichever sensor r is from. r may be nil (Tick).
func (e *Evaluator) evalAbsent(r *reading.Reading, now time.Time, status reading.Status, trs []reading.Transition) (reading.Status, []reading.Transition) {
	for i := range e.absent {
		a := &e.absent[i]
		rl := &e.rules[a.idx]
		lvl := rl.severity() - reading.Warning
		var met [2]bool
		own := r != nil && r.Sensor == a.sensor
		if own {
			met[lvl] = gone(rl, r)
			if r.Err != "" {
				a.err = r.Err
			}
		} else {
			met[lvl] = !a.s.met[lvl].IsZero()
			if !met[lvl] && a.s.level == reading.Normal {
				continue
			}
		}
		from := a.s.level
		to := advance(&a.s, met, met, rl.For, now)
		if to != from {
			trs = append(trs, absentTransition(rl, a, from, to, now))
		}
		if own && to > reading.Normal {
			status = max(status, to)
		}
	}
	return status, trs
}

// Tick raises the absent alerts whose For has run out at now, for a caller
// that has no reading to evaluate: a sensor that failed once and fell
// silent sends nothing more, so the engine calls Tick on a timer for
// partitions that may have no other sensor. It is not safe for concurrent use
// with Eval.
func (e *Evaluator) Tick(now time.Time) []reading.Transition {
	_, trs := e.evalAbsent(nil, now, reading.Normal, nil)
	return trs
}

func absentTransition(rl *Rule, a *absentState, from, to reading.Status, now time.Time) reading.Transition {
	t := reading.Transition{Rule: rl.Name, Sensor: a.sensor, Metric: rl.Metric, Labels: a.s.metric.Labels,
		From: from, To: to, Time: now, Since: a.s.since, Fact: &reading.Fact{Shape: reading.ShapeAbsent}}
	if to > from {
		t.Value = 1
		t.Fact.Silent = now.Sub(a.s.met[to-reading.Warning]).Round(time.Second)
		t.Fact.Err = a.err
	} else {
		a.err = ""
	}
	t.Message = text.InEnglish.Alert(&t)
	return t
}
