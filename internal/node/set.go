package node

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// DefaultTimeout is how long a scrape waits for its collectors: under
// Prometheus' default scrape_timeout (10 s) with room to spare, and far
// above what any collector takes on a healthy machine (milliseconds). A
// collector stuck in statfs on a dead NFS mount is the case it is for.
const DefaultTimeout = 4 * time.Second

var (
	scrapeDuration = reading.ScrapeCollectorDuration
	scrapeSuccess  = reading.ScrapeCollectorSuccess
)

// errStillRunning is a hung collector's failure in the scrapes after the
// one that abandoned it, until its Update returns.
var errStillRunning = errors.New("still running from an earlier scrape")

// Set runs chosen collectors, each scrape.
type Set struct {
	env     Env
	timeout time.Duration
	entries []*entry
	// mu makes overlapping scrapes take turns, so a collector is never
	// run twice at once and a busy one always means a hung one.
	mu sync.Mutex
}

type entry struct {
	name string
	c    Collector
	// busy is set while Update runs; a run abandoned at the deadline
	// leaves it set until it returns.
	busy atomic.Bool
	// failing is the last scrape's state, so that a failure is logged
	// when it starts and when it ends, not at every scrape.
	failing bool
	// buf is the collector's samples, kept across scrapes so that one
	// grows once, not at every scrape. Only the run that holds busy
	// writes it, and a scrape replays it only after that run has
	// answered; an abandoned run's samples are never replayed.
	buf buffer
}

// NewSet builds the named collectors (see Select) over env. A scrape
// waits timeout for them (DefaultTimeout when 0).
func NewSet(env Env, names []string, timeout time.Duration) (*Set, error) {
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	s := &Set{env: env, timeout: timeout}
	for _, n := range names {
		i := indexOf(n)
		if i < 0 {
			return nil, fmt.Errorf("unknown collector %q", n)
		}
		if Registry[i].New == nil {
			continue
		}
		c, err := Registry[i].New(env)
		if err != nil {
			return nil, fmt.Errorf("collector %s: %w", n, err)
		}
		s.add(n, c)
	}
	return s, nil
}

func (s *Set) add(name string, c Collector) { s.entries = append(s.entries, &entry{name: name, c: c}) }

func indexOf(name string) int {
	for i, r := range Registry {
		if r.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the collectors the set runs, in order.
func (s *Set) Names() []string {
	names := make([]string, len(s.entries))
	for i, e := range s.entries {
		names[i] = e.name
	}
	return names
}

// result is one collector's scrape: what it emitted, kept until every
// collector is done so that the exposition sees them in registry order.
type result struct {
	i   int
	buf *buffer // nil when the collector did not run or did not answer
	err error
	dur time.Duration
}

// Collect runs every collector at once, waits for them up to the set's
// timeout, and emits their series in registry order followed by each
// one's node_scrape_collector_* series.
func (s *Set) Collect(emit reading.Emit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	done := make(chan result, len(s.entries))
	results := make([]*result, len(s.entries))
	waiting := 0
	start := time.Now()
	for i, e := range s.entries {
		if !e.busy.CompareAndSwap(false, true) {
			results[i] = &result{i: i, err: errStillRunning}
			continue
		}
		waiting++
		go func() {
			r := result{i: i, buf: &e.buf}
			t := time.Now()
			e.buf.samples, e.buf.labels = e.buf.samples[:0], e.buf.labels[:0]
			r.err = run(e.c, &e.buf)
			r.dur = time.Since(t)
			e.busy.Store(false)
			done <- r
		}()
	}
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	for waiting > 0 {
		select {
		case r := <-done:
			results[r.i] = &r
			waiting--
		case <-timer.C:
			waiting = 0
		}
	}
	for i, e := range s.entries {
		r := results[i]
		if r == nil {
			r = &result{i: i, err: fmt.Errorf("no answer within %v; abandoned, and skipped until it returns", s.timeout), dur: time.Since(start)}
		}
		if r.buf != nil {
			r.buf.replay(emit)
		}
		emit(scrapeDuration, r.dur.Seconds(), e.name)
		emit(scrapeSuccess, b2f(r.err == nil), e.name)
		s.log(e, r.err)
	}
}

// run calls Update, turning a panic (a parser bug on a kernel file no
// fixture had) into that collector's failure instead of the agent's end.
func run(c Collector, b *buffer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return c.Update(b.emit)
}

func (s *Set) log(e *entry, err error) {
	failing := err != nil
	switch {
	case failing && !e.failing && !errors.Is(err, ErrNoData):
		s.env.Logger.Warn("collector failed", "collector", e.name, "error", err)
	case !failing && e.failing:
		s.env.Logger.Info("collector recovered", "collector", e.name)
	}
	e.failing = failing
}

// buffer keeps a collector's samples with their label values in one
// slice, so a scrape allocates a few growing slices, not one per sample.
type buffer struct {
	samples []sample
	labels  []string
}

type sample struct {
	f      *reading.Family
	v      float64
	lo, hi int32
}

func (b *buffer) emit(f *reading.Family, v float64, labelValues ...string) {
	lo := len(b.labels)
	b.labels = append(b.labels, labelValues...)
	b.samples = append(b.samples, sample{f: f, v: v, lo: int32(lo), hi: int32(len(b.labels))})
}

func (b *buffer) replay(emit reading.Emit) {
	for _, s := range b.samples {
		emit(s.f, s.v, b.labels[s.lo:s.hi]...)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
