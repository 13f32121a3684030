package config

import (
	"fmt"
	"math"
	"sort"

	"github.com/vigia-dev/vigia/internal/reading"
)

func (c *Config) validate(v *Validator) {
	v.duration(Path("interval"), "interval", c.Interval, LimitsInterval)
	names := make([]string, 0, len(c.Sensors))
	for n := range c.Sensors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := c.Sensors[n]
		if !reading.IsSensor(n) || n == reading.SensorSelf {
			v.Errorf(Path("sensors", n), "unknown sensor %q (sensors: cpu, memory, load, temperature, disk, network, processes)", n)
			continue
		}
		v.duration(Path("sensors", n, "interval"), "sensor "+n+": interval", s.Interval, LimitsInterval)
		v.duration(Path("sensors", n, "timeout"), "sensor "+n+": timeout", s.Timeout, LimitsTimeout)
	}
	if c.Engine.Workers < 0 || c.Engine.Workers > MaxWorkers || (c.Engine.Workers == 0 && v.has("engine", "workers")) {
		v.Errorf(Path("engine", "workers"), "workers %d out of range (1 to %d)", c.Engine.Workers, MaxWorkers)
	}
	if c.Engine.QueueSize < 0 {
		v.Errorf(Path("engine", "queue_size"), "queue_size %d is negative", c.Engine.QueueSize)
	}
	v.duration(Path("engine", "analysis_timeout"), "analysis_timeout", c.Engine.AnalysisTimeout, LimitsTimeout)
	switch c.Language {
	case "", "en", "es":
	default:
		v.Errorf(Path("language"), "language %q not available (en, es)", c.Language)
	}
	seen := map[string]int{}
	for i := range c.Rules {
		c.Rules[i].validate(v, i, seen)
	}
	c.TUI.validate(v)
	c.Server.validate(v)
	c.Store.validate(v)
	for i := range c.Notifiers {
		c.Notifiers[i].validate(v, i, len(c.Notifiers))
	}
}

// MaxWorkers bounds the analyser pool, in the file and in --workers.
const MaxWorkers = 64

// ValidateRule checks one rule as the config file would, for rules given by
// flags; at names where the rule came from, n is its number (from 1, as in
// the file's messages).
func ValidateRule(r Rule, at string, n int) error {
	v := &Validator{file: at}
	r.validate(v, n-1, map[string]int{})
	if len(v.errs) > 0 {
		return v.errs
	}
	return nil
}

func (r *Rule) validate(v *Validator, i int, seen map[string]int) {
	at := func(key string) []any { return Path("rules", i, key) }
	label := fmt.Sprintf("rule %d", i+1)
	if r.Name != "" {
		label = fmt.Sprintf("rule %q", r.Name)
		if j, dup := seen[r.Name]; dup {
			v.Errorf(at("name"), "%s: name already used by rule %d", label, j+1)
		}
		seen[r.Name] = i
	}
	r.foreignKeys(v, at, label)
	switch r.Kind {
	case "", "threshold":
	default:
		// Other kinds are validated where they are defined.
		if !validKind(r.Kind) {
			v.Errorf(at("kind"), "%s: unknown kind %q (threshold, trend, rate, process, absent)", label, r.Kind)
		} else {
			r.validateKind(v, at, label)
		}
		v.duration(at("for"), label+": for", r.For, LimitsFor)
		return
	}
	if r.Metric == "" {
		v.Errorf(at("metric"), "%s: metric is missing", label)
	} else if !reading.IsMetric(r.Metric) {
		v.Errorf(at("metric"), "%s: unknown metric %q (docs/metrics.md lists them)", label, r.Metric)
	}
	if r.Warning == nil && r.Critical == nil {
		v.Errorf(at("metric"), "%s: needs warning, critical or both", label)
	}
	r.validateBounds(v, at, label)
	v.duration(at("for"), label+": for", r.For, LimitsFor)
}

// validateBounds checks warning, critical and hysteresis, of every kind
// that compares a value with bounds.
func (r *Rule) validateBounds(v *Validator, at func(string) []any, label string) {
	for _, p := range []struct {
		key string
		val *float64
	}{{"warning", r.Warning}, {"critical", r.Critical}, {"hysteresis", r.Hysteresis}} {
		if p.val != nil && (math.IsNaN(*p.val) || math.IsInf(*p.val, 0)) {
			v.Errorf(at(p.key), "%s: %s must be a finite number", label, p.key)
		}
	}
	if r.Warning != nil && r.Critical != nil {
		if !r.Below && *r.Warning > *r.Critical {
			v.Errorf(at("critical"), "%s: critical %g is below warning %g (set below: true for a rule that fires on low values)", label, *r.Critical, *r.Warning)
		}
		if r.Below && *r.Warning < *r.Critical {
			v.Errorf(at("critical"), "%s: with below: true, critical %g must be under warning %g", label, *r.Critical, *r.Warning)
		}
	}
	if r.Hysteresis != nil && *r.Hysteresis < 0 {
		v.Errorf(at("hysteresis"), "%s: hysteresis %g is negative", label, *r.Hysteresis)
	}
}

// validKind reports whether kind names a rule kind other than a threshold;
// the files that add rule kinds extend it.
func validKind(kind string) bool {
	switch kind {
	case "trend", "rate", "process", "absent":
		return true
	}
	return false
}
