package rule

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Problem is one thing that makes a rule unusable, at the config key it
// concerns ("kind" for what the rule lacks), so the config file can point
// at its line.
type Problem struct {
	Key string
	Msg string
}

type problems []Problem

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// Problems returns every problem of the rule, the one place rules are
// validated. Durations are checked for what they mean together (a
// critical_within longer than within); their range is the caller's, which
// knows how the user wrote them (config.Limits). The name is the caller's
// too: the file names a rule by its place.
func (r *Rule) Problems() []Problem {
	var p problems
	spec := r.spec()
	if spec == nil {
		p.add("kind", "unknown kind %q (%s)", r.Kind, kindNames())
		return p
	}
	kind := r.Kind
	if kind == "" {
		kind = Threshold
	}
	for _, key := range []string{"metric", "labels", "warning", "critical", "below", "hysteresis", "window", "within",
		"critical_within", "bound", "per", "sensor", "check", "comm", "cmdline", "severity"} {
		if keySet[key](r) && !takes(spec, key) {
			p.add(key, "%s does not apply to %s rule (only to %s)", key, withArticle(string(kind)), kindsTaking(key))
		}
	}
	spec.check(r, &p)
	for _, l := range r.Match {
		if l.Name == "" {
			p.add("labels", "a label matcher has no name")
			break
		}
	}
	return p
}

func takes(spec *kindSpec, key string) bool {
	for _, k := range spec.keys {
		if k == key {
			return true
		}
	}
	return false
}

// Validate reports the first problem that makes the rule unusable, for
// rules built in code; it also refuses negative durations, which the
// config file's limits refuse before a rule gets here.
func (r Rule) Validate() error {
	if r.Name == "" {
		return errors.New("rule has no name")
	}
	for _, d := range []struct {
		key string
		d   time.Duration
	}{{"for", r.For}, {"window", r.Window}, {"within", r.Within}, {"critical_within", r.CriticalWithin}, {"per", r.Per}} {
		if d.d < 0 {
			return fmt.Errorf("rule %q: %s %v is negative", r.Name, d.key, d.d)
		}
	}
	if p := r.Problems(); len(p) > 0 {
		return fmt.Errorf("rule %q: %s", r.Name, p[0].Msg)
	}
	return nil
}

// checkMetric checks the metric key; it reports whether the metric is
// usable.
func (r *Rule) checkMetric(p *problems, required bool) bool {
	switch {
	case r.Metric == "" && required:
		p.add("kind", "metric is missing")
	case r.Metric == "":
	case !reading.IsMetric(r.Metric):
		p.add("metric", "unknown metric %q (docs/metrics.md lists them)", r.Metric)
	default:
		return true
	}
	return false
}

// checkBounds checks warning, critical and hysteresis, of every kind that
// compares a value with bounds; need, at key, says what a rule with
// neither bound lacks.
func (r *Rule) checkBounds(p *problems, key, need string) {
	w, c := !isNaN(r.Warning), !isNaN(r.Critical)
	if !w && !c {
		p.add(key, "%s", need)
	}
	for _, b := range []struct {
		key string
		val float64
	}{{"warning", r.Warning}, {"critical", r.Critical}} {
		if math.IsInf(b.val, 0) {
			p.add(b.key, "%s must be a finite number", b.key)
		}
	}
	if h := r.Hysteresis; h != nil {
		switch {
		case math.IsNaN(*h) || math.IsInf(*h, 0):
			p.add("hysteresis", "hysteresis must be a finite number")
		case *h < 0:
			p.add("hysteresis", "hysteresis %g is negative", *h)
		}
	}
	if w && c && !r.Below && r.Warning > r.Critical {
		p.add("critical", "critical %g is below warning %g (set below: true for a rule that fires on low values)", r.Critical, r.Warning)
	}
	if w && c && r.Below && r.Warning < r.Critical {
		p.add("critical", "with below: true, critical %g must be under warning %g", r.Critical, r.Warning)
	}
}

func checkThreshold(r *Rule, p *problems) {
	if r.Metric == "" {
		p.add("metric", "metric is missing") // a threshold names nothing else
	} else {
		r.checkMetric(p, true)
	}
	r.checkBounds(p, "metric", "needs warning, critical or both")
}

func (r *Rule) checkSeverity(p *problems) {
	switch r.Severity {
	case reading.Unknown, reading.Warning, reading.Critical:
		return
	}
	p.add("severity", "severity %v must be warning or critical", r.Severity)
}

func isNaN(f float64) bool { return math.IsNaN(f) }

// withArticle writes "a trend", "an absent".
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
