package config

import (
	"fmt"
	"sort"
	"time"

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
		switch {
		case v.has("sensors", n, "max") && n != reading.SensorCgroups:
			v.Errorf(Path("sensors", n, "max"), "sensor %s: max is a setting of the cgroups sensor only", n)
		case s.Max < -1:
			v.Errorf(Path("sensors", n, "max"), "sensor %s: max %d out of range (-1 for every group, 0 for the default, or more)", n, s.Max)
		}
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
	c.Fleet.validate(v)
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
	if _, ok := severity(r.Severity); !ok {
		v.Errorf(at("severity"), "%s: severity %q must be warning or critical", label, r.Severity)
	}
	rr := r.Rule(i)
	for _, p := range rr.Problems() {
		v.Errorf(at(p.Key), "%s: %s", label, p.Msg)
	}
	for _, d := range []struct {
		key string
		d   time.Duration
		l   Limits
	}{{"for", r.For, LimitsFor}, {"window", r.Window, LimitsWindow}, {"per", r.Per, LimitsPer},
		{"within", r.Within, LimitsWithin}, {"critical_within", r.CriticalWithin, LimitsWithin}} {
		v.duration(at(d.key), label+": "+d.key, d.d, d.l)
	}
}
