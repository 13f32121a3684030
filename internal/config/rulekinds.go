package config

import (
	"fmt"
	"math"
	"sort"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// Rule turns the entry into the analyser's rule; i is its place in the
// list, which names a rule the file left unnamed. The rule package
// validates it: this only changes its shape.
func (r *Rule) Rule(i int) rule.Rule {
	out := rule.Rule{Name: r.Name, Kind: rule.Kind(r.Kind), Metric: r.Metric, Below: r.Below, For: r.For,
		Warning: bound(r.Warning), Critical: bound(r.Critical), Hysteresis: r.Hysteresis,
		Window: r.Window, Within: r.Within, CriticalWithin: r.CriticalWithin, Bound: r.Bound, Per: r.Per,
		Sensor: r.Sensor, Check: rule.ProcessCheck(r.Check), Comm: r.Comm, Cmdline: r.Cmdline}
	out.Severity, _ = severity(r.Severity)
	if out.Name == "" {
		what := r.Metric
		switch {
		case what == "" && r.Comm != "":
			what = r.Kind + "_" + r.Comm
		case what == "" && r.Sensor != "":
			what = r.Kind + "_" + r.Sensor
		case what == "":
			what = r.Kind
		}
		out.Name = fmt.Sprintf("rule%d_%s", i+1, what)
	}
	keys := make([]string, 0, len(r.Labels))
	for k := range r.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Match = append(out.Match, reading.Label{Name: k, Value: r.Labels[k]})
	}
	return out
}

// bound is a bound as the rule package takes it: NaN when unset. A NaN
// written in the file (.nan) becomes an infinity, which validation refuses,
// rather than a bound silently left unused.
func bound(p *float64) float64 {
	switch {
	case p == nil:
		return math.NaN()
	case math.IsNaN(*p):
		return math.Inf(1)
	}
	return *p
}

// severity reads a severity key; false when it names no level a rule may
// raise.
func severity(s string) (reading.Status, bool) {
	switch s {
	case "":
		return reading.Unknown, true
	case "warning":
		return reading.Warning, true
	case "critical":
		return reading.Critical, true
	}
	return reading.Unknown, false
}
