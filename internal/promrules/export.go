// Package promrules turns vigia's rules into a Prometheus alerting-rules
// file, so that one set of rules serves a single machine (vigia judging
// its own readings) and a fleet (Prometheus judging what it scraped from
// vigia or node_exporter agents), with the names, labels and annotations
// the local alerts carry.
//
// Each kind becomes its PromQL counterpart: a threshold a comparison held
// for `for`; a trend predict_linear over its window; a rate rate() of a
// counter or deriv() of a gauge, per its unit; an absent rule a host with
// no such series, or vigia_sensor_up == 0. Levels become one alert rule
// each, of the same name, told apart by the severity label; the warning
// rule stands down while the critical one fires, as the local alert has
// one level at a time. Process rules and metrics that Prometheus cannot
// compute are left on the agent, each with the reason.
package promrules

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// DefaultRateWindow is the range of rate() over a counter: four scrapes at
// Prometheus' default 15 s interval, the least that rate() copes with when
// a scrape is missed.
const DefaultRateWindow = time.Minute

// Options shape the file.
type Options struct {
	// Group names the rule group; "vigia" when empty.
	Group string
	// RateWindow is the range of rate() over counters; DefaultRateWindow
	// when zero.
	RateWindow time.Duration
	// Matchers are added to every selector, as `job="node"`, to scope the
	// rules to some targets.
	Matchers []string
}

// Skipped is a rule that stays on the agent, and why.
type Skipped struct {
	Rule   string
	Reason string
}

var matcherRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"(?:[^"\\]|\\.)*"$`)

// CheckMatcher says what is wrong with a matcher given to Options.
func CheckMatcher(m string) error {
	if !matcherRe.MatchString(m) {
		return fmt.Errorf("matcher %q: want label=\"value\" (or !=, =~, !~)", m)
	}
	return nil
}

// alertRule is one entry of the file's rules list.
type alertRule struct {
	alert, expr string
	forDur      time.Duration
	labels      [][2]string
	annotations [][2]string
}

// Export writes the alerting-rules file for rules, and lists those left
// out.
func Export(rules []rule.Rule, o Options) ([]byte, []Skipped, error) {
	if o.Group == "" {
		o.Group = "vigia"
	}
	if o.RateWindow <= 0 {
		o.RateWindow = DefaultRateWindow
	}
	for _, m := range o.Matchers {
		if err := CheckMatcher(m); err != nil {
			return nil, nil, err
		}
	}
	var out []alertRule
	var skipped []Skipped
	for i := range rules {
		r := &rules[i]
		ars, err := convert(r, o)
		if err != nil {
			skipped = append(skipped, Skipped{Rule: r.Name, Reason: err.Error()})
			continue
		}
		out = append(out, ars...)
	}
	return write(o.Group, out, skipped), skipped, nil
}

// errStaysLocal is the reason of rules no PromQL can judge.
var errProcess = errors.New("a process rule judges the whole process table, which Prometheus does not hold (vigia_process_* has only the busiest): it stays on the agent")

func convert(r *rule.Rule, o Options) ([]alertRule, error) {
	switch r.Kind {
	case rule.Process:
		return nil, errProcess
	case rule.Absent:
		return absent(r, o)
	}
	s, match, err := lookup(r.Metric, r.Match, o.RateWindow)
	if err != nil {
		return nil, err
	}
	q := newQuery(match, o)
	x := s.expr(q)
	switch r.Kind {
	case rule.Trend:
		return trend(r, s, x, q), nil
	case rule.Rate:
		return levels(r, rateOf(r, s, x, q)), nil
	}
	return levels(r, x), nil
}

func newQuery(match []reading.Label, o Options) query {
	selector := func(extra []string) func(string, ...string) string {
		return func(name string, fixed ...string) string {
			ms := append(append(append([]string(nil), fixed...), extra...), o.Matchers...)
			if len(ms) == 0 {
				return name
			}
			return name + "{" + strings.Join(ms, ", ") + "}"
		}
	}
	var ruleMatchers []string
	for _, l := range match {
		ruleMatchers = append(ruleMatchers, l.Name+"="+strconv.Quote(l.Value))
	}
	return query{sel: selector(ruleMatchers), base: selector(nil), w: promDuration(o.RateWindow)}
}

// rangeOf is x over the last d: a range selector after a bare selector,
// a subquery at the rate window's resolution after anything else.
func rangeOf(s series, x string, d time.Duration, q query) string {
	if s.plain {
		return x + "[" + promDuration(d) + "]"
	}
	return "(" + x + ")[" + promDuration(d) + ":" + q.w + "]"
}

// rateOf is the change of x per the rule's unit, fitted over its window:
// rate() of a counter (resets undone, as the evaluator does), deriv() of a
// gauge (a least-squares slope, as the evaluator's).
func rateOf(r *rule.Rule, s series, x string, q query) string {
	fn := "deriv"
	if s.counter {
		fn = "rate"
	}
	return fmt.Sprintf("%s(%s) * %s", fn, rangeOf(s, x, r.WindowOrDefault(), q), number(r.PerOrDefault().Seconds()))
}

// levels are the alert rules of a threshold or rate rule over x.
func levels(r *rule.Rule, x string) []alertRule {
	op := ">="
	if r.Below {
		op = "<="
	}
	var out []alertRule
	crit := r.Threshold(reading.Critical)
	for _, lv := range []reading.Status{reading.Critical, reading.Warning} {
		b := r.Threshold(lv)
		if math.IsNaN(b) {
			continue
		}
		expr := fmt.Sprintf("%s %s %s", x, op, number(b))
		if lv == reading.Warning && !math.IsNaN(crit) {
			expr = fmt.Sprintf("(%s) unless (%s %s %s)", expr, x, op, number(crit))
		}
		out = append(out, alertRule{alert: r.Name, expr: expr, forDur: r.For,
			labels: labels(r, lv), annotations: annotations(r, lv, shown(b))})
	}
	return out
}

// trend predicts x over each level's horizon and fires when the line
// crosses the bound within it, from either side, as the evaluator does.
func trend(r *rule.Rule, s series, x string, q query) []alertRule {
	unit := reading.None
	if percent[r.Metric] {
		unit = reading.Percent
	}
	bound := r.BoundOrDefault(unit)
	b := number(bound)
	crossing := func(h time.Duration) string {
		p := fmt.Sprintf("predict_linear(%s, %s)", rangeOf(s, x, r.WindowOrDefault(), q), number(h.Seconds()))
		// The series first: an alert's value is its left side's, and the
		// local alert's value is the series', not the prediction.
		return fmt.Sprintf("(%s > %s and %s <= %s) or (%s < %s and %s >= %s)", x, b, p, b, x, b, p, b)
	}
	var out []alertRule
	for _, lv := range []reading.Status{reading.Critical, reading.Warning} {
		h := r.Horizon(lv)
		if h == 0 {
			continue
		}
		expr := crossing(h)
		if c := r.Horizon(reading.Critical); lv == reading.Warning && c > 0 {
			expr = fmt.Sprintf("(%s) unless (%s)", expr, crossing(c))
		}
		out = append(out, alertRule{alert: r.Name, expr: expr, forDur: r.For,
			labels: labels(r, lv), annotations: annotations(r, lv, shown(bound))})
	}
	return out
}

// absent fires for a host whose agent is up but does not carry the
// metric, or for a sensor vigia reports down.
func absent(r *rule.Rule, o Options) ([]alertRule, error) {
	lv := r.SeverityOrDefault()
	q := newQuery(nil, o)
	var expr string
	if r.Metric == "" {
		expr = q.sel("vigia_sensor_up", "sensor="+strconv.Quote(r.Sensor)) + " == 0"
	} else {
		s, match, err := lookup(r.Metric, r.Match, o.RateWindow)
		if err != nil {
			return nil, err
		}
		x := s.expr(newQuery(match, o))
		expr = fmt.Sprintf("group by (instance, job) (%s == 1) unless on (instance, job) group by (instance, job) (%s)", q.sel("up"), x)
	}
	return []alertRule{{alert: r.Name, expr: expr, forDur: r.For, labels: labels(r, lv), annotations: annotations(r, lv, "")}}, nil
}

// percent names the metrics in % (a trend's default bound is 100).
var percent = map[string]bool{
	reading.CPUUsage: true, reading.CPUMode: true, reading.CPUCoreUsage: true, reading.MemUsedPercent: true,
	reading.SwapUsedPercent: true, reading.LoadPercent: true, reading.DiskUsedPercent: true,
	reading.FSUsedPercent: true, reading.DiskBusy: true, reading.Pressure: true,
}

// labels are those the local alert carries besides its series' own
// (instance and job come with the series).
func labels(r *rule.Rule, lv reading.Status) [][2]string {
	ls := [][2]string{{"severity", lv.String()}}
	sensor := r.Sensor
	if r.Metric != "" {
		sensor = reading.SensorOf(r.Metric)
	}
	if sensor != "" {
		ls = append(ls, [2]string{"sensor", sensor})
	}
	if r.Metric != "" {
		ls = append(ls, [2]string{"metric", r.Metric})
	}
	return ls
}

// annotations are those of the local alert sent to Alertmanager, with
// Prometheus' templates where the local alert has the value.
func annotations(r *rule.Rule, lv reading.Status, threshold string) [][2]string {
	what := r.Metric
	if what == "" {
		what = "sensor " + r.Sensor
	}
	name := literal(r.Name)
	what = literal(what)
	if r.Kind == rule.Absent {
		return [][2]string{
			{"summary", fmt.Sprintf("%s %s on {{ $labels.instance }}: %s is not reported", name, lv, what)},
			{"description", fmt.Sprintf("No %s from {{ $labels.instance }}.", what)},
		}
	}
	return [][2]string{
		{"summary", fmt.Sprintf("%s %s on {{ $labels.instance }}: %s = {{ $value | humanize }} (threshold %s)", name, lv, what, threshold)},
		{"description", fmt.Sprintf("Value {{ $value | humanize }}, %s threshold %s.", lv, threshold)},
		{"value", `{{ printf "%.2f" $value }}`},
		{"threshold", threshold},
	}
}

// literal keeps text out of Prometheus' templating: a rule named with
// "{{" would otherwise run as a template in every notification.
func literal(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return `{{ "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `" }}`
}

// number writes a bound into PromQL: the shortest form that parses back
// to the same float.
func number(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// shown writes a bound into an annotation as the local alert does: to two
// decimals, without an exponent.
func shown(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// write renders the file. Strings are double-quoted with Go's escapes,
// which YAML's double-quoted style reads the same, so a rule name or label
// value cannot break out of its scalar.
func write(group string, rules []alertRule, skipped []Skipped) []byte {
	var b strings.Builder
	b.WriteString("# Prometheus alerting rules from vigia's rules: vigia rules export --format prometheus\n")
	for _, s := range skipped {
		fmt.Fprintf(&b, "# left on the agent: %s: %s\n", oneLine(s.Rule), oneLine(s.Reason))
	}
	b.WriteString("groups:\n  - name: " + strconv.Quote(group) + "\n    rules:")
	if len(rules) == 0 {
		b.WriteString(" []\n")
		return []byte(b.String())
	}
	b.WriteString("\n")
	for _, r := range rules {
		b.WriteString("      - alert: " + strconv.Quote(r.alert) + "\n")
		b.WriteString("        expr: " + strconv.Quote(r.expr) + "\n")
		if r.forDur > 0 {
			b.WriteString("        for: " + promDuration(r.forDur) + "\n")
		}
		writeMap(&b, "labels", r.labels)
		writeMap(&b, "annotations", r.annotations)
	}
	return []byte(b.String())
}

func writeMap(b *strings.Builder, key string, kv [][2]string) {
	if len(kv) == 0 {
		return
	}
	b.WriteString("        " + key + ":\n")
	for _, p := range kv {
		b.WriteString("          " + p[0] + ": " + strconv.Quote(p[1]) + "\n")
	}
}

// oneLine keeps a comment on its line whatever a name holds.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
