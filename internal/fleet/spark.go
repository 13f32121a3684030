package fleet

import (
	"context"
	"math"
	"sync"
	"time"
)

// sparks keeps every host's CPU sparkline between refreshes, so that a
// refresh asks Prometheus only for the points since the last one: the
// whole span for 1,000 hosts is a 2 MB answer that costs Prometheus
// seconds, the newest point or two a few kB.
type sparks struct {
	mu     sync.Mutex
	end    time.Time // the newest point asked; zero before the first answer
	byInst map[string][]Sample
}

// update asks the points after the last answer's newest up to now's, on a
// grid of step so that points line up from one refresh to the next, and
// returns every host's sparkline by instance: span/step values, oldest
// first, NaN where there was no point. A refresh more often than step
// asks nothing at all. A failed query leaves what is kept for the next
// refresh.
func (s *sparks) update(ctx context.Context, c *Client, query string, now time.Time, span, step time.Duration) (map[string][]float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	end := now.Truncate(step)
	first := end.Add(-span + step)
	start := first
	if !s.end.IsZero() && !s.end.Before(first) && !s.end.After(end) {
		start = s.end.Add(step)
	} else {
		// Older than the span, or the clock went back.
		s.byInst = nil
	}
	var got []Series
	if !start.After(end) {
		var err error
		if got, err = c.QueryRange(ctx, query, start, end, step, byInstance...); err != nil {
			return nil, err
		}
	}
	if s.byInst == nil {
		s.byInst = map[string][]Sample{}
	}
	for _, g := range got {
		inst := g.Labels["instance"]
		old := s.byInst[inst]
		n := len(old)
		for n > 0 && !old[n-1].T.Before(start) {
			n--
		}
		s.byInst[inst] = append(old[:n], g.Samples...)
	}
	out := make(map[string][]float64, len(s.byInst))
	points := int(span / step)
	for inst, ps := range s.byInst {
		i := 0
		for i < len(ps) && ps[i].T.Before(first) {
			i++
		}
		if i == len(ps) {
			delete(s.byInst, inst)
			continue
		}
		// Copied down, so the slice does not creep through its array.
		ps = append(ps[:0], ps[i:]...)
		s.byInst[inst] = ps
		// Laid on the grid here, under the lock: the answer is its own
		// slice, which a later refresh cannot touch, and the points are
		// not copied twice.
		out[inst] = grid(ps, end, step, points)
	}
	s.end = end
	return out, nil
}

// grid lays points on n slots of step ending at end.
func grid(ps []Sample, end time.Time, step time.Duration, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	for _, p := range ps {
		i := n - 1 - int((end.Sub(p.T)+step/2)/step)
		if i >= 0 && i < n {
			out[i] = p.V
		}
	}
	return out
}
