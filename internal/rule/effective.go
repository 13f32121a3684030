package rule

import (
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// What a rule leaves out takes its kind's default. These say what the
// evaluator will use, so that whatever turns a rule into something else (a
// Prometheus alerting rule) judges exactly as the evaluator does.

// WindowOrDefault is the span a trend, rate or leak rule fits its line over.
func (r *Rule) WindowOrDefault() time.Duration {
	switch {
	case r.Kind == Trend:
		return r.trendWindow()
	case r.Kind == Process:
		return r.leakWindow()
	}
	return r.rateWindow()
}

// PerOrDefault is a rate or leak rule's unit of time.
func (r *Rule) PerOrDefault() time.Duration { return r.per() }

// BoundOrDefault is the value a trend rule predicts a series of unit
// reaching.
func (r *Rule) BoundOrDefault(unit reading.Unit) float64 { return r.trendBound(unit) }

// SeverityOrDefault is the level an absent or missing-process rule raises.
func (r *Rule) SeverityOrDefault() reading.Status { return r.severity() }

// Horizon is a trend rule's horizon for level (Warning or Critical); zero
// when that level is unused.
func (r *Rule) Horizon(level reading.Status) time.Duration { return r.horizon(level) }

// Threshold is a threshold, rate or process rule's bound for level; NaN when
// that level is unused.
func (r *Rule) Threshold(level reading.Status) float64 { return r.bound(level) }
