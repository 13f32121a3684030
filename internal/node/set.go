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
	// own runs the collector on a goroutine of its own (ownGoroutine).
	own bool
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
		// Each collector keeps the kernel files it reads at every scrape
		// open, in a cache of its own: collectors run concurrently.
		cenv := env
		cenv.FS = env.FS.WithHeldFiles()
		c, err := Registry[i].New(cenv)
		if err != nil {
			return nil, fmt.Errorf("collector %s: %w", n, err)
		}
		s.add(n, c)
	}
	return s, nil
}

func (s *Set) add(name string, c Collector) {
	s.entries = append(s.entries, &entry{name: name, c: c, own: ownGoroutine[name]})
}

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

// ownGoroutine are the collectors whose reads may block for as long as a
// driver or a server takes: statfs on a network mount, hwmon and thermal
// sysfs attributes read over a slow bus, netclass attributes and the
// rtnetlink link dump that netclass and netdev take, behind the rtnl lock
// on kernels before its dump ran under RCU. Each gets a goroutine of its own at every scrape; every other
// collector reads only in-memory /proc and /sys files and they run one
// after another on a single goroutine, which costs a fraction of a
// goroutine each: on a 2-core machine one goroutine per collector was a
// tenth of the scrape's CPU in wake-ups and thread hand-offs.
var ownGoroutine = map[string]bool{"filesystem": true, "hwmon": true, "thermal_zone": true, "netclass": true, "netdev": true}

// Collect runs the collectors (the sequential lane on one goroutine, the
// ones that may block on goroutines of their own), waits for them up to
// the set's timeout, and emits their series in registry order followed by
// each one's node_scrape_collector_* series.
func (s *Set) Collect(emit reading.Emit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	done := make(chan result, len(s.entries))
	results := make([]*result, len(s.entries))
	waiting := 0
	start := time.Now()
	// abandoned tells the sequential lane, once the deadline has passed,
	// to start nothing more: a collector after a hung one is left for the
	// next scrape rather than run while this one replays buffers.
	abandoned := new(atomic.Bool)
	var lane []int
	for i, e := range s.entries {
		if e.busy.Load() {
			results[i] = &result{i: i, err: errStillRunning}
			continue
		}
		waiting++
		if !e.own {
			lane = append(lane, i)
			continue
		}
		e.busy.Store(true)
		go func() { done <- s.runEntry(i) }()
	}
	if len(lane) > 0 {
		go func() {
			for _, i := range lane {
				switch {
				case abandoned.Load():
					return
				case !s.entries[i].busy.CompareAndSwap(false, true):
					// An abandoned lane of an earlier scrape started it
					// after this scrape looked.
					done <- result{i: i, err: errStillRunning}
				default:
					done <- s.runEntry(i)
				}
			}
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
			abandoned.Store(true)
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

// runEntry runs entry i, whose busy flag the caller has set, and clears
// the flag when Update returns.
func (s *Set) runEntry(i int) result {
	e := s.entries[i]
	r := result{i: i, buf: &e.buf}
	t := time.Now()
	e.buf.samples, e.buf.labels = e.buf.samples[:0], e.buf.labels[:0]
	r.err = run(e.c, &e.buf)
	r.dur = time.Since(t)
	e.busy.Store(false)
	return r
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
