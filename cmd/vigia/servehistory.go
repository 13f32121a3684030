package main

import (
	"context"
	"errors"
	"time"

	"github.com/vigia-dev/vigia/internal/server"
	"github.com/vigia-dev/vigia/internal/store"
)

// historyPoints is how many points a long range is cut into: enough for a
// chart as wide as a screen, few enough to send every few seconds.
const historyPoints = 600

// recordedHistory answers ranges that reach further back than live's rings
// from the history database, and recent ones from memory, so the web
// dashboard can show the last days as easily as the last minutes.
type recordedHistory struct {
	live liveHistory
	rec  *recording
}

func (h *recordedHistory) History(ctx context.Context, sensor, metric string, from, to time.Time) ([]server.Series, error) {
	if oldest, ok := h.live.oldest(sensor, metric); h.rec == nil || (ok && !from.Before(oldest)) {
		return h.live.History(ctx, sensor, metric, from, to)
	}
	step := max(to.Sub(from)/historyPoints, time.Second)
	got, err := h.rec.st.Series(metric, nil, from, to, step)
	if errors.Is(err, store.ErrUnknownMetric) || (err == nil && len(got) == 0) {
		return h.live.History(ctx, sensor, metric, from, to)
	}
	if err != nil {
		return nil, err
	}
	out := make([]server.Series, 0, len(got))
	for _, sp := range got {
		s := server.Series{Labels: sp.Labels, Points: make([]server.Point, len(sp.Points))}
		for i, p := range sp.Points {
			s.Points[i] = server.Point{Time: p.Time, Value: p.Mean}
		}
		out = append(out, s)
	}
	return out, nil
}

// oldest is the time of the oldest point live keeps for the metric.
func (l liveHistory) oldest(sensor, metric string) (time.Time, bool) {
	r, ok := l.lv.Reading(sensor)
	if !ok {
		return time.Time{}, false
	}
	for _, m := range r.Metrics {
		if m.Name == metric {
			if pts := l.lv.History(sensor, metric, m.Labels...); len(pts) > 0 {
				return pts[0].Time, true
			}
		}
	}
	return time.Time{}, false
}
