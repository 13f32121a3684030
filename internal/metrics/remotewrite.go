package metrics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/snappy"
)

// Remote-write defaults: what a zero field of RemoteWriteOptions takes.
const (
	DefaultRemoteWriteInterval   = 15 * time.Second
	DefaultRemoteWriteTimeout    = 10 * time.Second
	DefaultRemoteWritePending    = 250_000
	DefaultRemoteWriteFlush      = 5 * time.Second
	DefaultRemoteWriteMinBackoff = 500 * time.Millisecond
	// DefaultRemoteWriteMaxBackoff is Prometheus' own: a receiver that comes
	// back is found within seconds, and the buffer delivered before it fills.
	DefaultRemoteWriteMaxBackoff = 5 * time.Second
)

// RemoteWriteOptions says where and how a RemoteWriter pushes.
type RemoteWriteOptions struct {
	// URL is the receiver's write endpoint (…/api/v1/write).
	URL string
	// Interval is how often the series are gathered and pushed.
	Interval time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// MaxPendingSamples bounds the samples held while the receiver is
	// away; past it the oldest batches are dropped, and counted.
	MaxPendingSamples int
	// FlushTimeout bounds the last push when the writer stops.
	FlushTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before a retry.
	MinBackoff, MaxBackoff time.Duration
	// Labels are added to every series that lacks them (job, instance),
	// as a scrape adds its target's.
	Labels map[string]string
	// Authorization returns the Authorization header's value, read at
	// each request so a rotated token is taken up. Optional.
	Authorization func() (string, error)
	// Client sends the requests; nil is a client with Timeout.
	Client *http.Client
	// Redact hides secrets in what is logged. Optional.
	Redact func(string) string
	// Logger receives failures and recoveries; nil discards.
	Logger *slog.Logger
	// Now and Jitter (a number in [0,1)) are the clock and the randomness;
	// nil is the system's.
	Now    func() time.Time
	Jitter func() float64
}

// RemoteWriter pushes the Collector's series to a remote-write receiver at
// an interval, for agents a Prometheus cannot scrape (behind NAT).
//
// Each gather becomes one batch, held until the receiver accepts it. While
// the receiver is down (a network error, 5xx or 429) batches wait, oldest
// first, and the writer retries with exponential backoff and jitter; once
// the batches hold more than MaxPendingSamples the oldest is dropped and
// counted, so the newest data survives and memory stays bounded. Any other
// 4xx means the receiver will never take that batch: it is dropped,
// counted and logged, and the next one is tried. Its counters are series of
// the Collector it was made with (vigia_remote_write_*{url}).
type RemoteWriter struct {
	opts   RemoteWriteOptions
	c      *Collector
	logger *slog.Logger
	label  string // the URL without credentials or query, for series and logs
	extra  []label

	mu          sync.Mutex
	pending     []batch
	pendingN    int
	sent        uint64
	failed      uint64
	dropped     map[string]uint64
	lastSuccess time.Time
	seq         uint64
	lastStamp   int64     // milliseconds of the last gather
	attempt     int       // consecutive retryable failures
	retryAt     time.Time // no request before it
}

type batch struct {
	seq     uint64 // tells a batch in flight from one queued after it
	payload []byte // snappy-compressed WriteRequest
	samples int
}

// Reasons a sample is dropped, as vigia_remote_write_dropped_total's
// reason label says.
const (
	dropBufferFull = "buffer_full"
	dropRejected   = "rejected"
)

// NewRemoteWriter returns a writer pushing c's series; its own series join
// c's. Run starts it.
func NewRemoteWriter(c *Collector, opts RemoteWriteOptions) (*RemoteWriter, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("remote write: url %q is not an http(s) address", SafeURL(opts.URL))
	}
	o := &opts
	o.Interval = cmpOr(o.Interval, DefaultRemoteWriteInterval)
	o.Timeout = cmpOr(o.Timeout, DefaultRemoteWriteTimeout)
	o.FlushTimeout = cmpOr(o.FlushTimeout, DefaultRemoteWriteFlush)
	o.MinBackoff = cmpOr(o.MinBackoff, DefaultRemoteWriteMinBackoff)
	o.MaxBackoff = cmpOr(o.MaxBackoff, DefaultRemoteWriteMaxBackoff)
	if o.MaxPendingSamples <= 0 {
		o.MaxPendingSamples = DefaultRemoteWritePending
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	w := &RemoteWriter{opts: opts, c: c, label: SafeURL(opts.URL), dropped: map[string]uint64{}}
	for k, v := range opts.Labels {
		w.extra = append(w.extra, label{k, v})
	}
	w.logger = opts.Logger
	if w.logger == nil {
		w.logger = slog.New(slog.DiscardHandler)
	}
	w.logger = w.logger.With("url", w.label)
	c.addWriter(w)
	return w, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// SafeURL returns u without its user information and query, which may
// hold credentials: what a series label or a log line may show.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable url)"
	}
	p.User, p.RawQuery, p.Fragment = nil, "", ""
	return p.String()
}

// Run gathers and pushes every Interval until ctx ends, then gathers once
// more and pushes what is pending, bounded by FlushTimeout. It returns
// when that last push is over.
func (w *RemoteWriter) Run(ctx context.Context) {
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	retry := time.NewTimer(0)
	defer retry.Stop()
	w.Gather()
	for {
		if wait := w.push(ctx); wait > 0 {
			retry.Reset(wait)
		}
		select {
		case <-ctx.Done():
			w.flush()
			return
		case <-tick.C:
			w.Gather()
		case <-retry.C:
		}
	}
}

func (w *RemoteWriter) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.FlushTimeout)
	defer cancel()
	w.Gather()
	w.mu.Lock()
	w.retryAt = time.Time{} // the last chance: no waiting out a backoff
	w.mu.Unlock()
	w.push(ctx)
	if n := w.Pending(); n > 0 {
		w.logger.Warn("remote write: samples not delivered at exit", "samples", n)
	}
}

// Gather takes the Collector's series once and queues them as a batch.
func (w *RemoteWriter) Gather() {
	fams, err := w.c.gatherer.Gather()
	if err != nil {
		w.logger.Warn("remote write: gathering", "error", err)
	}
	// Stamps only go forward: a receiver refuses a second value at a
	// time it holds (the last push at exit may follow a tick within 1ms).
	ts := w.opts.Now().UnixMilli()
	w.mu.Lock()
	ts = max(ts, w.lastStamp+1)
	w.lastStamp = ts
	w.mu.Unlock()
	raw, n := writeRequest(nil, fams, w.extra, ts)
	w.enqueue(batch{payload: snappy.Encode(nil, raw), samples: n})
}

// enqueue adds b, dropping the oldest batches past the bound (never b
// itself: the newest data is the most worth keeping).
func (w *RemoteWriter) enqueue(b batch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq++
	b.seq = w.seq
	w.pending = append(w.pending, b)
	w.pendingN += b.samples
	for len(w.pending) > 1 && w.pendingN > w.opts.MaxPendingSamples {
		w.dropLocked(dropBufferFull)
	}
}

func (w *RemoteWriter) dropLocked(reason string) {
	old := w.pending[0]
	w.pending[0] = batch{}
	w.pending = w.pending[1:]
	w.pendingN -= old.samples
	w.dropped[reason] += uint64(old.samples)
}

// push sends the pending batches oldest first until one fails. It returns
// how long to wait before trying again, or 0 when nothing waits.
func (w *RemoteWriter) push(ctx context.Context) time.Duration {
	for {
		w.mu.Lock()
		if len(w.pending) == 0 {
			w.mu.Unlock()
			return 0
		}
		if wait := w.retryAt.Sub(w.opts.Now()); wait > 0 {
			w.mu.Unlock()
			return wait
		}
		b := w.pending[0]
		w.mu.Unlock()

		err := w.send(ctx, b.payload)

		w.mu.Lock()
		var rej *rejectedError
		switch {
		case err == nil:
			w.dropFirstLocked(b)
			w.sent += uint64(b.samples)
			w.lastSuccess = w.opts.Now()
			if w.attempt > 0 {
				w.logger.Info("remote write: delivering again", "after_failures", w.attempt)
			}
			w.attempt, w.retryAt = 0, time.Time{}
		case errors.As(err, &rej):
			w.failed++
			if w.dropFirstLocked(b) {
				w.dropped[dropRejected] += uint64(b.samples)
			}
			w.logger.Error("remote write: receiver refused a batch; dropped", "samples", b.samples, "error", w.opts.Redact(err.Error()))
		default:
			w.failed++
			w.attempt++
			wait := Backoff(w.attempt, w.opts.MinBackoff, w.opts.MaxBackoff, w.opts.Jitter())
			w.retryAt = w.opts.Now().Add(wait)
			if w.attempt == 1 {
				w.logger.Warn("remote write: failed; retrying with backoff", "error", w.opts.Redact(err.Error()))
			} else {
				w.logger.Debug("remote write: failed again", "attempt", w.attempt, "retry_in", wait, "error", w.opts.Redact(err.Error()))
			}
			w.mu.Unlock()
			if ctx.Err() != nil {
				return 0
			}
			return wait
		}
		w.mu.Unlock()
		if ctx.Err() != nil {
			return 0
		}
	}
}

// dropFirstLocked removes b from the front of the queue, unless it is no
// longer there (the buffer dropped it while it was in flight).
func (w *RemoteWriter) dropFirstLocked(b batch) bool {
	if len(w.pending) == 0 || w.pending[0].seq != b.seq {
		return false
	}
	w.pending[0] = batch{}
	w.pending = w.pending[1:]
	w.pendingN -= b.samples
	return true
}

// rejectedError is a 4xx other than 429: sending the batch again would
// only be refused again.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string { return e.err.Error() }
func (e *rejectedError) Unwrap() error { return e.err }

// maxErrorBody bounds how much of a refusal's body is logged.
const maxErrorBody = 512

func (w *RemoteWriter) send(ctx context.Context, payload []byte) error {
	ctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.URL, bytes.NewReader(payload))
	if err != nil {
		return &rejectedError{fmt.Errorf("remote write: %w", err)}
	}
	req.Header.Set("Content-Encoding", "snappy")
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	req.Header.Set("User-Agent", "vigia/"+w.c.opts.Version)
	if w.opts.Authorization != nil {
		a, err := w.opts.Authorization()
		if err != nil {
			return fmt.Errorf("remote write: credentials: %w", err)
		}
		req.Header.Set("Authorization", a)
	}
	resp, err := w.opts.Client.Do(req)
	if err != nil {
		// url.Error names the full URL, query and all: name the safe one.
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("remote write: %s %s: %w", ue.Op, w.label, ue.Err)
		}
		return fmt.Errorf("remote write: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("remote write: status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
		return &rejectedError{err}
	}
	return err
}

// Backoff is the wait before retry number attempt (from 1): lo doubled
// each time, at most hi, then scaled into [½, 1] by jitter (in [0, 1)),
// so agents that lost the receiver together do not return together.
func Backoff(attempt int, lo, hi time.Duration, jitter float64) time.Duration {
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + time.Duration(float64(d/2)*jitter)
}

// RemoteWriteStats is what a RemoteWriter has done so far.
type RemoteWriteStats struct {
	URL         string
	Sent        uint64
	Failed      uint64 // requests
	Dropped     map[string]uint64
	Pending     int
	LastSuccess time.Time
}

// Stats returns the writer's counters.
func (w *RemoteWriter) Stats() RemoteWriteStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := make(map[string]uint64, 2)
	for _, r := range []string{dropBufferFull, dropRejected} {
		d[r] = w.dropped[r]
	}
	return RemoteWriteStats{URL: w.label, Sent: w.sent, Failed: w.failed, Dropped: d, Pending: w.pendingN, LastSuccess: w.lastSuccess}
}

// Pending returns the samples waiting to be delivered.
func (w *RemoteWriter) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pendingN
}
