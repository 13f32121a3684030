package rule

import (
	"math"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// rateCover is the share of its window a rate fit must span: half of a
// short window, so a rate rule judges within seconds of a start.
const rateCover = 0.5

// rateWindow is the rule's window, or the kind's default.
func checkRate(r *Rule, p *problems) {
	r.checkMetric(p, true)
	r.checkBounds(p, "kind", "a rate rule needs warning, critical or both (a change per `per`)")
}

func (r *Rule) rateWindow() time.Duration {
	if r.Window > 0 {
		return r.Window
	}
	return DefaultRateWindow
}

// per is the rule's unit of time.
func (r *Rule) per() time.Duration {
	if r.Per > 0 {
		return r.Per
	}
	return time.Second
}

// stepRate feeds m into the series' window and moves it to the level its
// rate of change per Per — the slope of a least-squares line over the
// window, which a single noisy sample barely moves — calls for. A
// counter's resets are undone first.
func stepRate(r *Rule, s *series, m *reading.Metric, now time.Time) reading.Status {
	span := r.rateWindow()
	if s.win == nil {
		s.win = newWindow(span, now)
	}
	s.win.add(now, m.Value, m.Kind == reading.Counter)
	f := s.win.fit(now)
	if !f.covers(span, rateCover) {
		// Too little seen to judge: keep the level and the last rate.
		keep := s.level > reading.Normal
		return advance(s, [2]bool{}, [2]bool{keep && s.level >= reading.Warning, keep && s.level >= reading.Critical}, r.For, now)
	}
	s.judged = f.slope * r.per().Seconds()
	var met, hold [2]bool
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		b := r.bound(level)
		met[i] = !math.IsNaN(b) && r.meets(s.judged, b)
		hold[i] = !math.IsNaN(b) && r.holds(s.judged, b)
	}
	return advance(s, met, hold, r.For, now)
}

// rateTransition describes a rate series changing level.
func rateTransition(r *Rule, sensor string, s *series, from, to reading.Status, now time.Time, why string) reading.Transition {
	unit := s.metric.Unit
	if unit == reading.BytesPerSecond {
		unit = reading.Bytes // a rate of a rate reads as bytes per second per Per
	}
	t := reading.Transition{Rule: r.Name, Sensor: sensor, Metric: s.metric.Name, Labels: s.metric.Labels,
		From: from, To: to, Value: s.judged, Time: now, Since: s.since,
		Fact: &reading.Fact{Shape: reading.ShapeRate, Unit: unit, Below: r.Below, Per: r.per(), Window: r.rateWindow(), Gone: why != ""}}
	r.crossed(&t)
	t.Message = text.InEnglish.Alert(&t)
	return t
}
