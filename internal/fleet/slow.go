package fleet

import (
	"context"
	"sync"
	"time"
)

// slowEvery is how long the answers of the slow-changing queries are kept:
// the CPU count, and the time until a filesystem is full, which
// predict_linear fits over an hour. Together they were a quarter of what
// a refresh cost Prometheus at 1,000 hosts, for values that move by
// seconds in a minute.
const slowEvery = time.Minute

// slow keeps one query's answer for slowEvery. A kept answer is dropped
// when a refresh finds a host it has nothing for (a host new to the fleet
// waits one refresh, not a minute), and when the clock goes back.
type slow struct {
	mu  sync.Mutex
	at  time.Time // when got was asked; zero when there is none
	got []Series
}

// get answers with the kept answer while it is younger than slowEvery,
// else asks ask and keeps what it answers; a failure is not kept.
func (s *slow) get(now time.Time, ask func() ([]Series, error)) ([]Series, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.at.IsZero() && !now.Before(s.at) && now.Sub(s.at) < slowEvery {
		return s.got, s.at, nil
	}
	got, err := ask()
	if err != nil {
		s.at = time.Time{}
		return nil, time.Time{}, err
	}
	s.at, s.got = now, got
	return got, now, nil
}

// forget drops the kept answer, so that the next refresh asks again.
func (s *slow) forget() {
	s.mu.Lock()
	s.at = time.Time{}
	s.mu.Unlock()
}

// cores asks the CPU count through its slow cache.
func (f *Fleet) cores(ctx context.Context, now time.Time) ([]Series, error) {
	got, _, err := f.slowCores.get(now, func() ([]Series, error) {
		return f.o.Prometheus.Query(ctx, qCores(""), now, byInstance...)
	})
	return got, err
}

// timeToFull asks qFSFull through its slow cache. A kept answer is the
// seconds left when it was asked: the time since is taken off, which is
// what asking again would say of a line fitted over an hour, give or take
// a minute's samples.
func (f *Fleet) timeToFull(ctx context.Context, now time.Time) ([]Series, error) {
	got, at, err := f.slowFull.get(now, func() ([]Series, error) {
		return f.o.Prometheus.Query(ctx, qFSFull("", f.o.FillWindow), now, byMount...)
	})
	if err != nil || at.Equal(now) {
		return got, err
	}
	past := now.Sub(at).Seconds()
	out := make([]Series, len(got))
	for i, s := range got {
		out[i] = Series{Labels: s.Labels, Samples: []Sample{{T: now, V: s.Last() - past}}}
	}
	return out, nil
}
