package rule

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// Evaluator runs rules over readings, keeping one state machine per series
// (rule × label set) of each sensor. It is not safe for concurrent use: the
// engine gives each analyser its own, and a sensor's readings always go to
// the same analyser, in order.
type Evaluator struct {
	rules    []Rule
	specs    []*kindSpec // each rule's kind, in step with rules
	byMetric map[string][]int
	sensors  map[string]*sensorState
	keybuf   []byte
	procs    procRules
	absent   []absentState
}

type sensorState struct {
	series map[seriesKey]*series
	gen    uint64 // bumped on every evaluated reading of the sensor
}

type seriesKey struct {
	rule   int
	labels string // label pairs joined with 0xff and 0xfe: unique, no quoting
}

// series is one rule's state machine for one label set.
//
//	normal ──bound met──► pending (For) ──For elapsed──► warning / critical
//	   ▲                                                    │
//	   └──────── value back past bound − hysteresis ◄───────┘
//
// Pending is not a level of its own: the series reports its current level
// until For has elapsed.
type series struct {
	metric reading.Metric // name, labels, unit of the series; Value is the last one seen
	level  reading.Status // Normal, Warning or Critical
	since  time.Time      // when the level last left Normal
	// met[0] and met[1] are since when the value has met the warning and the
	// critical bound without a break; zero when it does not meet it now.
	met [2]time.Time
	gen uint64
	// win is the fitted window of trend, rate and leak rules; nil for the
	// others.
	win *window
	// judged is what the level was last judged on when that is not the
	// value itself: a rate per Per, a predicted time to the bound in
	// seconds, a growth per Per.
	judged float64
}

// NewEvaluator returns an Evaluator for rules. Rules that fail Validate are
// left out: check them first (engine.New does) to report why.
func NewEvaluator(rules []Rule) *Evaluator {
	// The capacity is fixed first: process rules keep pointers into rules.
	e := &Evaluator{byMetric: map[string][]int{}, sensors: map[string]*sensorState{}, rules: make([]Rule, 0, len(rules))}
	for _, r := range rules {
		if r.Validate() != nil {
			continue
		}
		r.Match = reading.Labels(r.Match).Sorted()
		i := len(e.rules)
		e.rules = append(e.rules, r)
		spec := r.spec()
		e.specs = append(e.specs, spec)
		if spec.add != nil {
			spec.add(e, &e.rules[i], i)
		} else {
			e.byMetric[r.Metric] = append(e.byMetric[r.Metric], i)
		}
	}
	return e
}

// Eval analyses one reading at time now: it steps the state machine of every
// series a rule applies to and returns the reading's status — the worst
// level of its series, Normal when no rule applies — and the transitions
// this reading caused, in metric order and then vanished series in a stable
// order. A series of this sensor that the reading no longer carries is
// resolved and forgotten. A reading with Err set says nothing about the
// values: it gets Unknown, and every state is kept as it was; only absent
// rules judge it.
//
// Process rules judge the reading's process table, after its metrics.
// Absent rules judge every reading of their sensor, and on any reading they
// raise the alerts whose For has run out meanwhile, so a sensor that failed
// once and fell silent is still reported: those transitions come last
// before vanished series, and may name another sensor than the reading's.
func (e *Evaluator) Eval(r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
	if r.Err != "" {
		st, trs := e.evalAbsent(&r, now, reading.Unknown, nil)
		return st, trs
	}
	st := e.sensors[r.Sensor]
	status := reading.Normal
	var trs []reading.Transition
	if st != nil {
		st.gen++
	}
	for i := range r.Metrics {
		m := &r.Metrics[i]
		idx := e.byMetric[m.Name]
		if len(idx) == 0 {
			continue
		}
		for _, ri := range idx {
			rule := &e.rules[ri]
			if !rule.Matches(m) {
				continue
			}
			if st == nil {
				st = &sensorState{series: map[seriesKey]*series{}, gen: 1}
				e.sensors[r.Sensor] = st
			}
			e.keybuf = reading.Labels(m.Labels).AppendKey(e.keybuf[:0])
			s := st.series[seriesKey{ri, string(e.keybuf)}] // no allocation on lookup
			if s == nil {
				s = &series{metric: reading.Metric{Name: m.Name, Labels: slices.Clone(m.Labels), Unit: m.Unit}, level: reading.Normal}
				st.series[seriesKey{ri, string(e.keybuf)}] = s
			}
			s.gen = st.gen
			if math.IsNaN(m.Value) {
				// No value this time: keep the state as it was.
				status = max(status, s.level)
				continue
			}
			s.metric.Value, s.metric.Unit = m.Value, m.Unit
			from := s.level
			spec := e.specs[ri]
			to := spec.step(rule, s, m, now)
			if to != from {
				trs = append(trs, spec.transition(rule, r.Sensor, s, from, to, now, ""))
			}
			status = max(status, to)
		}
	}
	if len(e.procs.rules) > 0 && (r.Sensor == reading.SensorProcesses || len(r.Processes) > 0) {
		status, trs = e.evalProcesses(&r, now, status, trs)
	}
	status, trs = e.evalAbsent(&r, now, status, trs)
	if st != nil {
		trs = e.vanish(r.Sensor, st, now, trs)
		if len(st.series) == 0 {
			delete(e.sensors, r.Sensor)
		}
	}
	return status, trs
}

// vanish resolves and forgets the series the last reading did not carry.
func (e *Evaluator) vanish(sensor string, st *sensorState, now time.Time, trs []reading.Transition) []reading.Transition {
	var gone []seriesKey
	for k, s := range st.series {
		if s.gen != st.gen {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 {
		return trs
	}
	slices.SortFunc(gone, func(a, b seriesKey) int {
		if a.rule != b.rule {
			return a.rule - b.rule
		}
		return strings.Compare(a.labels, b.labels)
	})
	for _, k := range gone {
		s := st.series[k]
		if s.level > reading.Normal {
			trs = append(trs, e.specs[k.rule].transition(&e.rules[k.rule], sensor, s, s.level, reading.Normal, now, "is no longer reported"))
		}
		delete(st.series, k)
	}
	return trs
}

// stepThreshold moves a series to the level its value calls for.
func stepThreshold(r *Rule, s *series, m *reading.Metric, now time.Time) reading.Status {
	return step(r, s, m.Value, now)
}

// step moves a series to the level value v calls for at time now and
// returns it.
func step(r *Rule, s *series, v float64, now time.Time) reading.Status {
	var met, hold [2]bool
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		b := r.bound(level)
		met[i] = !math.IsNaN(b) && r.meets(v, b)
		hold[i] = !math.IsNaN(b) && r.holds(v, b)
	}
	return advance(s, met, hold, r.For, now)
}

// advance is the state machine every kind shares: met says which levels
// (warning, critical) the series meets now, hold which it is still close
// enough to keep; a level is raised once met for forDur.
func advance(s *series, met, hold [2]bool, forDur time.Duration, now time.Time) reading.Status {
	for i := range met {
		if met[i] {
			if s.met[i].IsZero() {
				s.met[i] = now
			}
		} else {
			s.met[i] = time.Time{}
		}
	}
	// What the current level keeps, thanks to hysteresis.
	keep := reading.Normal
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		if s.level >= level && hold[i] {
			keep = level
		}
	}
	// What the value has earned, once met for long enough.
	raise := reading.Normal
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		if !s.met[i].IsZero() && now.Sub(s.met[i]) >= forDur {
			raise = level
		}
	}
	to := max(keep, raise)
	if s.level == reading.Normal && to > reading.Normal {
		s.since = now
	}
	s.level = to
	return to
}

// transition describes a series going from one level to another: the
// facts, which text puts in words.
func transition(r *Rule, sensor string, s *series, from, to reading.Status, now time.Time, why string) reading.Transition {
	t := reading.Transition{
		Rule:   r.Name,
		Sensor: sensor,
		Metric: s.metric.Name,
		Labels: s.metric.Labels,
		From:   from,
		To:     to,
		Value:  s.metric.Value,
		Time:   now,
		Since:  s.since,
		Fact:   &reading.Fact{Unit: s.metric.Unit, Below: r.Below, Gone: why != ""},
	}
	r.crossed(&t)
	t.Message = text.InEnglish.Alert(&t)
	return t
}

// crossed sets the bound transition t crossed, and its facts: raising, how
// long the rule waited; going down, the lowest level left behind.
func (r *Rule) crossed(t *reading.Transition) {
	if t.To > t.From {
		t.Threshold = r.bound(t.To)
		t.Fact.For = r.For
		return
	}
	t.Fact.Left, t.Threshold = r.boundLeft(t.From, t.To)
}
