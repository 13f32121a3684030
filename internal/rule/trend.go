package rule

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
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
		From: from, To: to, Value: s.metric.Value, Threshold: b, Time: now, Since: s.since}
	name, val, bound := seriesName(&s.metric), quantity(s.metric.Value, s.metric.Unit), quantity(b, s.metric.Unit)
	switch {
	case why != "":
		t.Message = fmt.Sprintf("%s %s (was %s at %s)", name, why, from, val)
	case to > from:
		eta := time.Duration(s.judged * float64(time.Second))
		at := now.Add(eta).UTC().Format("2006-01-02 15:04 MST")
		per := "h"
		slope := 0.0
		if s.win != nil {
			f := s.win.fit(now)
			slope = f.slope * 3600
		}
		dir := "rising"
		if slope < 0 {
			dir = "falling"
		}
		t.Message = fmt.Sprintf("%s is %s and %s %s/%s: predicted to reach %s at %s (in %s, %s horizon %s)",
			name, val, dir, quantity(math.Abs(slope), s.metric.Unit), per, bound, at, roundDuration(eta), to, roundDuration(r.horizon(to)))
	case to == reading.Normal:
		t.Message = fmt.Sprintf("%s at %s is no longer predicted to reach %s soon", name, val, bound)
	default:
		t.Message = fmt.Sprintf("%s at %s is down to %s: %s predicted in more than %s", name, val, to, bound, roundDuration(r.horizon(to+1)))
	}
	return t
}

// roundDuration shortens a duration for messages: 3h59m, 12m30s, 4s.
func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
	case d >= time.Minute:
		d = d.Round(time.Second)
	default:
		d = d.Round(100 * time.Millisecond)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// quantity writes a value with its unit, bytes in binary multiples.
func quantity(v float64, unit reading.Unit) string {
	if unit != reading.Bytes && unit != reading.BytesPerSecond {
		return formatValue(v, unit)
	}
	suffix := "B"
	if unit == reading.BytesPerSecond {
		suffix = "B/s"
	}
	a := math.Abs(v)
	for _, p := range []string{"", "Ki", "Mi", "Gi", "Ti", "Pi"} {
		if a < 1024 || p == "Pi" {
			if p == "" {
				return fmt.Sprintf("%.0f %s", v, suffix)
			}
			return fmt.Sprintf("%.1f %s%s", math.Copysign(a, v), p, suffix)
		}
		a /= 1024
	}
	return formatValue(v, unit)
}
