package config

import (
	"math"
	"regexp"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
)

// ruleKeys says which kinds take each key that not every kind takes, so a
// key set on the wrong kind (within: on a threshold) is an error, not a
// silent no-op.
var ruleKeys = []struct {
	key   string
	kinds string // space-separated; "threshold" stands for the empty kind too
	set   func(r *Rule) bool
}{
	{"window", "trend rate process", func(r *Rule) bool { return r.Window != 0 }},
	{"within", "trend", func(r *Rule) bool { return r.Within != 0 }},
	{"critical_within", "trend", func(r *Rule) bool { return r.CriticalWithin != 0 }},
	{"bound", "trend", func(r *Rule) bool { return r.Bound != nil }},
	{"per", "rate process", func(r *Rule) bool { return r.Per != 0 }},
	{"sensor", "absent", func(r *Rule) bool { return r.Sensor != "" }},
	{"check", "process", func(r *Rule) bool { return r.Check != "" }},
	{"comm", "process", func(r *Rule) bool { return r.Comm != "" }},
	{"cmdline", "process", func(r *Rule) bool { return r.Cmdline != "" }},
	{"severity", "absent process", func(r *Rule) bool { return r.Severity != "" }},
	{"warning", "threshold rate process", func(r *Rule) bool { return r.Warning != nil }},
	{"critical", "threshold rate process", func(r *Rule) bool { return r.Critical != nil }},
	{"below", "threshold rate process", func(r *Rule) bool { return r.Below }},
	{"hysteresis", "threshold rate process", func(r *Rule) bool { return r.Hysteresis != nil }},
	{"metric", "threshold trend rate absent", func(r *Rule) bool { return r.Metric != "" }},
	{"labels", "threshold trend rate absent", func(r *Rule) bool { return len(r.Labels) > 0 }},
}

// foreignKeys reports keys the rule's kind does not take.
func (r *Rule) foreignKeys(v *Validator, at func(string) []any, label string) {
	kind := r.Kind
	if kind == "" {
		kind = "threshold"
	}
	if kind != "threshold" && !validKind(kind) {
		return // the unknown kind is the error
	}
	for _, k := range ruleKeys {
		if k.set(r) && !strings.Contains(" "+k.kinds+" ", " "+kind+" ") {
			v.Errorf(at(k.key), "%s: %s does not apply to a %s rule (only to %s)", label, k.key, kind, strings.ReplaceAll(k.kinds, " ", ", "))
		}
	}
}

// validateKind checks a rule of a kind other than threshold.
func (r *Rule) validateKind(v *Validator, at func(string) []any, label string) {
	v.duration(at("window"), label+": window", r.Window, LimitsWindow)
	v.duration(at("per"), label+": per", r.Per, LimitsPer)
	switch r.Kind {
	case "trend":
		r.validateMetric(v, at, label, true)
		v.duration(at("within"), label+": within", r.Within, LimitsWithin)
		v.duration(at("critical_within"), label+": critical_within", r.CriticalWithin, LimitsWithin)
		if r.Within == 0 && r.CriticalWithin == 0 {
			v.Errorf(at("kind"), "%s: a trend rule needs within (warning), critical_within or both, e.g. within: 4h", label)
		}
		if r.Within > 0 && r.CriticalWithin > r.Within {
			v.Errorf(at("critical_within"), "%s: critical_within %v is longer than within %v", label, r.CriticalWithin, r.Within)
		}
		if r.Bound != nil && (math.IsNaN(*r.Bound) || math.IsInf(*r.Bound, 0)) {
			v.Errorf(at("bound"), "%s: bound must be a finite number", label)
		}
	case "rate":
		r.validateMetric(v, at, label, true)
		if r.Warning == nil && r.Critical == nil {
			v.Errorf(at("kind"), "%s: a rate rule needs warning, critical or both (a change per `per`)", label)
		}
		r.validateBounds(v, at, label)
	case "process":
		r.validateProcess(v, at, label)
	case "absent":
		if r.Metric == "" && r.Sensor == "" {
			v.Errorf(at("kind"), "%s: an absent rule needs a sensor or a metric to watch", label)
		}
		if r.Metric != "" {
			if r.validateMetric(v, at, label, false) && r.Sensor != "" && reading.SensorOf(r.Metric) != r.Sensor {
				v.Errorf(at("sensor"), "%s: metric %q comes from sensor %q, not %q", label, r.Metric, reading.SensorOf(r.Metric), r.Sensor)
			}
		} else if r.Sensor != "" && (!reading.IsSensor(r.Sensor) || r.Sensor == reading.SensorSelf) {
			v.Errorf(at("sensor"), "%s: unknown sensor %q (cpu, memory, load, temperature, disk, network, processes)", label, r.Sensor)
		}
		if r.Metric == "" && len(r.Labels) > 0 {
			v.Errorf(at("labels"), "%s: labels select series of a metric: an absent rule on a sensor takes none", label)
		}
		r.validateSeverity(v, at, label)
	}
}

// validateMetric checks the metric key; it reports whether the metric is
// usable.
func (r *Rule) validateMetric(v *Validator, at func(string) []any, label string, required bool) bool {
	switch {
	case r.Metric == "" && required:
		v.Errorf(at("kind"), "%s: metric is missing", label)
	case r.Metric == "":
	case !reading.IsMetric(r.Metric):
		v.Errorf(at("metric"), "%s: unknown metric %q (docs/metrics.md lists them)", label, r.Metric)
	default:
		return true
	}
	return false
}

func (r *Rule) validateProcess(v *Validator, at func(string) []any, label string) {
	if r.Comm == "" && r.Cmdline == "" {
		v.Errorf(at("kind"), "%s: a process rule needs comm (the command name), cmdline (a regular expression) or both", label)
	}
	if r.Cmdline != "" {
		if _, err := regexp.Compile(r.Cmdline); err != nil {
			v.Errorf(at("cmdline"), "%s: cmdline %q is not a valid regular expression: %v", label, r.Cmdline, err)
		}
	}
	switch r.Check {
	case "cpu", "rss", "leak":
		if r.Warning == nil && r.Critical == nil {
			v.Errorf(at("check"), "%s: check %s needs warning, critical or both", label, r.Check)
		}
		if r.Check == "leak" && r.Below {
			v.Errorf(at("below"), "%s: a leak rule fires on growth: below does not apply", label)
		}
		r.validateBounds(v, at, label)
		if r.Severity != "" {
			v.Errorf(at("severity"), "%s: severity applies to check: missing; check %s takes warning and critical", label, r.Check)
		}
		if r.Check != "leak" && (r.Window != 0 || r.Per != 0) {
			v.Errorf(at("window"), "%s: window and per apply to check: leak only", label)
		}
	case "missing":
		for _, k := range []struct {
			key string
			set bool
		}{{"warning", r.Warning != nil}, {"critical", r.Critical != nil}, {"window", r.Window != 0}, {"per", r.Per != 0}} {
			if k.set {
				v.Errorf(at(k.key), "%s: %s does not apply to check: missing (set severity: warning or critical)", label, k.key)
			}
		}
		r.validateSeverity(v, at, label)
	case "":
		v.Errorf(at("kind"), "%s: a process rule needs check: cpu, rss, leak or missing", label)
	default:
		v.Errorf(at("check"), "%s: unknown check %q (cpu, rss, leak, missing)", label, r.Check)
	}
}

func (r *Rule) validateSeverity(v *Validator, at func(string) []any, label string) {
	switch r.Severity {
	case "", "warning", "critical":
	default:
		v.Errorf(at("severity"), "%s: severity %q must be warning or critical", label, r.Severity)
	}
}

// RuleSeverity is the level an absent or missing-process rule raises.
func (r *Rule) RuleSeverity() reading.Status {
	if r.Severity == "warning" {
		return reading.Warning
	}
	return reading.Critical
}
