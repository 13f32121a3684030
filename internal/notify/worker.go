package notify

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/queue"
	"github.com/vigia-dev/vigia/internal/reading"
)

// policy is when a notifier may send.
type policy struct {
	groupWait, groupInterval, repeat time.Duration
	minSeverity                      reading.Status
	sendResolved                     bool
}

// Failed deliveries are tried again with the next message, but no sooner
// than this delay, doubled after each failure in a row up to
// maxFailDelay, so a dead receiver is not hammered.
const (
	minFailDelay = 10 * time.Second
	maxFailDelay = 5 * time.Minute
)

// tracked is an alert as one notifier knows it.
type tracked struct {
	a         Alert
	dirty     bool      // changed since last delivered
	since     time.Time // when it became dirty
	delivered reading.Status
	lastSent  time.Time // last delivery attempt that carried it
}

// worker owns one notifier: its queue, its grouping state and its
// goroutine (run), which exits when the queue is closed and drained.
type worker struct {
	// cfg is the notifier's config as given, to tell an unchanged notifier
	// at a reload.
	cfg       config.Notifier
	name, typ string
	host      string
	pol       policy
	sender    Sender
	q         *queue.Queue[Alert]
	log       *slog.Logger

	// Owned by Dispatcher.Run.
	dropLogged time.Time

	// Owned by run.
	alerts    map[string]*tracked
	lastFlush time.Time
	failDelay time.Duration

	mu sync.Mutex
	h  reading.NotifierHealth
}

func newWorker(n config.Notifier, s Sender, queueSize int, host string, log *slog.Logger) *worker {
	return &worker{
		name: n.Name, typ: n.Type, host: host, sender: s, log: log,
		pol: policy{
			groupWait: n.GroupWait, groupInterval: n.GroupInterval, repeat: n.RepeatInterval,
			minSeverity: max(n.MinSeverity, reading.Warning), sendResolved: n.SendResolved,
		},
		q:      newQueue(queueSize),
		alerts: map[string]*tracked{},
		h:      reading.NotifierHealth{Name: n.Name, Type: n.Type},
	}
}

// run absorbs alert events and sends messages when the policy allows,
// until the queue is closed; then it sends what is pending, bounded by
// flushTimeout, and returns.
func (w *worker) run(ctx context.Context, flushTimeout time.Duration) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-w.q.Ready():
			for {
				a, ok := w.q.TryPop()
				if !ok {
					break
				}
				w.absorb(a)
			}
			if w.q.Closed() && w.q.Len() == 0 {
				fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
				w.flush(fctx, time.Now(), true)
				cancel()
				return
			}
		case <-timer.C:
			w.flush(ctx, time.Now(), false)
		}
		if next, ok := w.next(); ok {
			timer.Reset(max(time.Until(next), 0))
		} else {
			timer.Stop()
		}
	}
}

// absorb merges one event into the alert it belongs to. Only the latest
// state of an alert is kept: changes within one group interval collapse
// into one message.
func (w *worker) absorb(a Alert) {
	t := w.alerts[a.Fingerprint]
	if a.Firing() && a.Severity < w.pol.minSeverity {
		if t == nil {
			return
		}
		// Below this notifier's bar: for it, the alert has ended.
		a.EndsAt = a.Time
	}
	if t == nil {
		if !a.Firing() {
			return // its firing was never seen here (filtered or lost)
		}
		t = &tracked{}
		w.alerts[a.Fingerprint] = t
	}
	t.a = a
	if !t.dirty {
		t.dirty, t.since = true, time.Now()
	}
}

// next returns when the worker must flush next, and false when nothing is
// pending.
func (w *worker) next() (time.Time, bool) {
	var next time.Time
	consider := func(at time.Time) {
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	gap := w.pol.groupInterval
	if w.failDelay > 0 {
		gap = max(gap, w.failDelay)
	}
	for _, t := range w.alerts {
		switch {
		case t.dirty:
			at := t.since.Add(w.pol.groupWait)
			if !w.lastFlush.IsZero() {
				at = latest(at, w.lastFlush.Add(gap))
			}
			consider(at)
		case w.pol.repeat > 0 && t.a.Firing():
			consider(latest(t.lastSent.Add(w.pol.repeat), w.lastFlush.Add(gap)))
		}
	}
	return next, !next.IsZero()
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// flush sends one message with every changed alert and every firing one
// whose repeat interval has passed. It runs when next says; final (at
// shutdown) sends changes only.
func (w *worker) flush(ctx context.Context, now time.Time, final bool) {
	var batch []*tracked
	suppressed := 0
	for fp, t := range w.alerts {
		switch {
		case t.dirty && !t.a.Firing() && t.delivered < reading.Warning:
			// Rose and fell before anyone was told: say nothing.
			delete(w.alerts, fp)
			suppressed++
		case t.dirty && !t.a.Firing() && !w.pol.sendResolved:
			delete(w.alerts, fp)
		case t.dirty:
			// The first change's group wait is over (the timer says so):
			// every change since joins the same message.
			batch = append(batch, t)
		case !t.dirty && !final && w.pol.repeat > 0 && t.a.Firing() && !now.Before(t.lastSent.Add(w.pol.repeat)):
			batch = append(batch, t)
		}
	}
	if suppressed > 0 {
		w.mu.Lock()
		w.h.Suppressed += uint64(suppressed)
		w.mu.Unlock()
	}
	if len(batch) == 0 {
		w.setFiring()
		return
	}
	slices.SortFunc(batch, func(a, b *tracked) int {
		return cmp.Or(a.a.StartsAt.Compare(b.a.StartsAt), cmp.Compare(a.a.Fingerprint, b.a.Fingerprint))
	})
	m := Message{Host: w.host, Time: now, Alerts: make([]Alert, len(batch))}
	for i, t := range batch {
		a := t.a
		a.Delivered = t.delivered
		switch {
		case !t.dirty:
			a.Event = Repeat
		case a.Firing() && t.delivered < reading.Warning:
			a.Event = Raised // new to this receiver, whatever happened before
		}
		m.Alerts[i] = a
	}
	w.lastFlush = now
	err := w.sender.Send(ctx, m)
	w.mu.Lock()
	if err != nil {
		w.h.Failed++
		w.h.LastError = err.Error()
		w.h.LastFailed = now
	} else {
		w.h.Sent++
		w.h.LastSent = now
	}
	w.mu.Unlock()
	if err != nil {
		w.failDelay = min(max(2*w.failDelay, minFailDelay), maxFailDelay)
		w.log.Error("notification failed", "alerts", len(batch), "error", err, "retry_in", max(w.failDelay, w.pol.groupInterval))
		// Changes stay pending and go with the next message; a failed
		// repeat waits for its next turn.
		for _, t := range batch {
			t.lastSent = now
		}
		w.setFiring()
		return
	}
	w.failDelay = 0
	for _, t := range batch {
		t.dirty, t.lastSent = false, now
		if t.a.Firing() {
			t.delivered = t.a.Severity
		} else {
			delete(w.alerts, t.a.Fingerprint)
		}
	}
	w.setFiring()
}

func (w *worker) setFiring() {
	n := 0
	for _, t := range w.alerts {
		if t.a.Firing() && t.delivered >= reading.Warning {
			n++
		}
	}
	w.mu.Lock()
	w.h.Firing = n
	w.mu.Unlock()
}

func (w *worker) health() reading.NotifierHealth {
	w.mu.Lock()
	h := w.h
	w.mu.Unlock()
	h.Queued = w.q.Len()
	h.Dropped = w.q.Dropped()
	return h
}
