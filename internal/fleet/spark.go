package fleet

import (
	"context"
	"slices"
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
// returns every host's points within span: a refresh more often than step
// asks nothing at all. A failed query leaves what is kept for the next
// refresh.
func (s *sparks) update(ctx context.Context, c *Client, query string, now time.Time, span, step time.Duration) ([]Series, error) {
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
	out := make([]Series, 0, len(s.byInst))
	for inst, ps := range s.byInst {
		i := 0
		for i < len(ps) && ps[i].T.Before(first) {
			i++
		}
		if i == len(ps) {
			delete(s.byInst, inst)
			continue
		}
		// Copied down, so the slice does not creep through its array;
		// the answer gets its own copy, which a later refresh cannot touch.
		ps = append(ps[:0], ps[i:]...)
		s.byInst[inst] = ps
		out = append(out, Series{Labels: map[string]string{"instance": inst}, Samples: slices.Clone(ps)})
	}
	s.end = end
	return out, nil
}
