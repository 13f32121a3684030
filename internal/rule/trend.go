package rule

import (
	"math"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// trendHold is how much further than its horizon a prediction may move
// before a raised trend alert is lowered, so that a noisy fit around the
// horizon does not flap.
const trendHold = 1.25

// trendCover is the share of the window a fit must span before it
// predicts: a line through the first minute of an hour says little.
const trendCover = 0.25

// trendWindow is the rule's window, or the kind's default.
func checkTrend(r *Rule, p *problems) {
	r.checkMetric(p, true)
	if r.Within == 0 && r.CriticalWithin == 0 {
		p.add("kind", "a trend rule needs within (warning), critical_within or both, e.g. within: 4h")
	}
	if r.Within > 0 && r.CriticalWithin > r.Within {
		p.add("critical_within", "critical_within %v is longer than within %v", r.CriticalWithin, r.Within)
	}
	if r.Bound != nil && (math.IsNaN(*r.Bound) || math.IsInf(*r.Bound, 0)) {
		p.add("bound", "bound must be a finite number")
	}
}

func (r *Rule) trendWindow() time.Duration {
	if r.Window > 0 {
		return r.Window
	}
	return DefaultTrendWindow
}

// trendBound is the value the rule predicts the series reaching.
func (r *Rule) trendBound(unit reading.Unit) float64 {
	if r.Bound != nil {
		return *r.Bound
	}
	if unit == reading.Percent || strings.HasSuffix(r.Metric, "percent") {
		return 100
	}
	return 0
}

// horizon is the trend horizon of a level; zero when the level is unused.
func (r *Rule) horizon(level reading.Status) time.Duration {
	if level == reading.Critical {
		return r.CriticalWithin
	}
	return r.Within
}

// predict returns in how many seconds the series fitted by f reaches bound
// b, judged at time t; false when it is not heading there.
func predict(f *fit, t, b float64) (float64, bool) {
	if !f.ok {
		return 0, false
	}
	now := f.m.at(t, f.slope)
	gap := b - now
	if gap == 0 {
		return 0, true
	}
	if f.slope == 0 || math.Signbit(gap) != math.Signbit(f.slope) {
		return 0, false
	}
	eta := gap / f.slope
	if math.IsInf(eta, 0) || math.IsNaN(eta) {
		return 0, false
	}
	return eta, true
}

// stepTrend feeds m into the series' window and moves it to the level its
// predicted time to the bound calls for, like Prometheus' predict_linear.
func stepTrend(r *Rule, s *series, m *reading.Metric, now time.Time) reading.Status {
	span := r.trendWindow()
	if s.win == nil {
		s.win = newWindow(span, now)
	}
	s.win.add(now, m.Value, false)
	f := s.win.fit(now)
	eta, heading := predict(&f, s.win.seconds(now), r.trendBound(m.Unit))
	if !f.covers(span, trendCover) {
		heading = false
	}
	s.judged = eta
	var met, hold [2]bool
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		h := r.horizon(level).Seconds()
		if h <= 0 || !heading {
			continue
		}
		met[i] = eta <= h
		hold[i] = eta <= h*trendHold
	}
	return advance(s, met, hold, r.For, now)
}

// trendTransition describes a trend series changing level; raising, it
// says when the bound is predicted to be reached.
func trendTransition(r *Rule, sensor string, s *series, from, to reading.Status, now time.Time, why string) reading.Transition {
	b := r.trendBound(s.metric.Unit)
	t := reading.Transition{Rule: r.Name, Sensor: sensor, Metric: s.metric.Name, Labels: s.metric.Labels,
		From: from, To: to, Value: s.metric.Value, Threshold: b, Time: now, Since: s.since,
		Fact: &reading.Fact{Shape: reading.ShapeTrend, Unit: s.metric.Unit, Gone: why != ""}}
	switch {
	case why != "":
	case to > from:
		t.Fact.ETA = time.Duration(s.judged * float64(time.Second))
		t.Fact.At = now.Add(t.Fact.ETA)
		if s.win != nil {
			f := s.win.fit(now)
			t.Fact.Slope = f.slope * 3600
		}
		t.Fact.Horizon = r.horizon(to)
	case to > reading.Normal:
		t.Fact.Horizon = r.horizon(to + 1)
	}
	t.Message = text.InEnglish.Alert(&t)
	return t
}

// roundDuration shortens a duration for messages: 3h59m, 12m30s, 4s.
func roundDuration(d time.Duration) string { return text.Duration(d) }

// quantity writes a value with its unit, bytes in binary multiples.
func quantity(v float64, unit reading.Unit) string { return text.Quantity(v, unit) }
