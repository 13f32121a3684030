package rule

import (
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// kindSpec is everything that differs between kinds of rule. A new kind is
// one entry of kinds, in one file with its check, step and facts; the
// config file, the --rule flag, validation and the evaluator read them
// from here.
type kindSpec struct {
	// keys are the config keys the kind takes besides name, kind and for.
	keys []string
	// check adds the kind's own problems.
	check func(r *Rule, p *problems)
	// step moves a series of a metric the rule watches to the level its
	// value calls for; nil for kinds that judge no metric series (process,
	// absent), which add instead registers with the evaluator.
	step func(r *Rule, s *series, m *reading.Metric, now time.Time) reading.Status
	// transition describes a series of step's kinds changing level; why,
	// when set, says the series is gone.
	transition func(r *Rule, sensor string, s *series, from, to reading.Status, now time.Time, why string) reading.Transition
	add        func(e *Evaluator, r *Rule, i int)
}

// kindOrder is the order kinds are named in messages and docs.
var kindOrder = []Kind{Threshold, Trend, Rate, Process, Absent}

var kinds = map[Kind]*kindSpec{
	Threshold: {keys: []string{"metric", "labels", "warning", "critical", "below", "hysteresis"},
		check: checkThreshold, step: stepThreshold, transition: transition},
	Trend: {keys: []string{"metric", "labels", "window", "within", "critical_within", "bound"},
		check: checkTrend, step: stepTrend, transition: trendTransition},
	Rate: {keys: []string{"metric", "labels", "window", "per", "warning", "critical", "below", "hysteresis"},
		check: checkRate, step: stepRate, transition: rateTransition},
	Process: {keys: []string{"window", "per", "check", "comm", "cmdline", "severity", "warning", "critical", "below", "hysteresis"},
		check: checkProcess, add: func(e *Evaluator, r *Rule, i int) { e.procs.add(r, i) }},
	Absent: {keys: []string{"metric", "labels", "sensor", "severity"},
		check: checkAbsent, add: func(e *Evaluator, r *Rule, i int) { e.absent = append(e.absent, newAbsentState(r, i)) }},
}

// spec returns the rule's kind, the empty kind being a threshold; nil for
// an unknown kind.
func (r *Rule) spec() *kindSpec {
	if r.Kind == "" {
		return kinds[Threshold]
	}
	return kinds[r.Kind]
}

// keySet says, for each key not every kind takes, whether a rule sets it.
var keySet = map[string]func(r *Rule) bool{
	"metric": func(r *Rule) bool { return r.Metric != "" },
	"labels": func(r *Rule) bool { return len(r.Match) > 0 },
	// A rule built in code leaves the bounds of a kind without them at
	// zero, so only another value is a bound set on the wrong kind.
	"warning":         func(r *Rule) bool { return !isNaN(r.Warning) && r.Warning != 0 },
	"critical":        func(r *Rule) bool { return !isNaN(r.Critical) && r.Critical != 0 },
	"below":           func(r *Rule) bool { return r.Below },
	"hysteresis":      func(r *Rule) bool { return r.Hysteresis != nil },
	"window":          func(r *Rule) bool { return r.Window != 0 },
	"within":          func(r *Rule) bool { return r.Within != 0 },
	"critical_within": func(r *Rule) bool { return r.CriticalWithin != 0 },
	"bound":           func(r *Rule) bool { return r.Bound != nil },
	"per":             func(r *Rule) bool { return r.Per != 0 },
	"sensor":          func(r *Rule) bool { return r.Sensor != "" },
	"check":           func(r *Rule) bool { return r.Check != "" },
	"comm":            func(r *Rule) bool { return r.Comm != "" },
	"cmdline":         func(r *Rule) bool { return r.Cmdline != "" },
	"severity":        func(r *Rule) bool { return r.Severity != reading.Unknown },
}

// kindsTaking names the kinds that take key, as "threshold, rate".
func kindsTaking(key string) string {
	var names []string
	for _, k := range kindOrder {
		for _, kk := range kinds[k].keys {
			if kk == key {
				names = append(names, string(k))
			}
		}
	}
	return strings.Join(names, ", ")
}

// kindNames lists every kind, as "threshold, trend, …".
func kindNames() string {
	names := make([]string, len(kindOrder))
	for i, k := range kindOrder {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Kinds lists every kind of rule, in the order messages and docs name them.
func Kinds() []Kind { return slices.Clone(kindOrder) }
