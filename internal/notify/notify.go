// Package notify sends alert transitions where people look: a log line, a
// webhook, Prometheus Alertmanager, or a command. It consumes analysed
// readings and never blocks their producer: each notifier has its own
// bounded queue and goroutine, so a failing, slow or hanging notifier delays
// only itself.
package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/queue"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Event says what happened to an alert.
type Event string

const (
	Raised    Event = "raised"    // left normal
	Escalated Event = "escalated" // warning → critical
	Lowered   Event = "lowered"   // critical → warning
	Resolved  Event = "resolved"  // back to normal
	Repeat    Event = "repeat"    // still firing, re-sent after the repeat interval
	Test      Event = "test"      // sent by `vigia alert test`
)

// Alert is one alert as a notifier sends it: a transition with the state
// around it.
type Alert struct {
	// Fingerprint identifies the alert (rule, sensor, metric and labels)
	// across its transitions, so receivers can match resolved to firing.
	Fingerprint string
	Event       Event
	Rule        string
	Sensor      string
	Metric      string
	Labels      []reading.Label
	// Severity is the alert's level: warning or critical while it fires,
	// and the level it had when it resolved.
	Severity reading.Status
	// Delivered is the level this notifier last told its receiver of, or
	// Unknown when it told nothing yet; Alertmanager needs it to end an
	// alert whose severity label changed.
	Delivered reading.Status
	Value     float64
	Threshold float64
	Message   string
	// StartsAt is when the alert left normal; EndsAt when it returned, zero
	// while it fires. Time is when the latest change happened.
	StartsAt time.Time
	EndsAt   time.Time
	Time     time.Time
}

// Firing reports whether the alert is still active.
func (a Alert) Firing() bool { return a.EndsAt.IsZero() }

// Message is what one notifier sends at once: the alerts that changed (or
// are due to be repeated) in one group interval.
type Message struct {
	Host   string
	Time   time.Time
	Test   bool
	Alerts []Alert
}

// Sender delivers messages to one destination. Send may be called from
// two goroutines at once (the notifier's own and Test); it must return once
// ctx is done, and its error says why a delivery failed, without secrets.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Options configures a Dispatcher.
type Options struct {
	// Notifiers are the configured destinations. A log notifier named "log"
	// is added when none of type log is configured: every alert is logged.
	Notifiers []config.Notifier
	// Host names this machine in messages (Alertmanager's instance label);
	// os.Hostname when empty.
	Host string
	// QueueSize bounds each notifier's queue of alert events; 256 when 0.
	QueueSize int
	// Client sends webhook and Alertmanager requests; a client with its own
	// transport when nil. Timeouts come from each notifier's config, and
	// redirects are not followed whatever the client's CheckRedirect.
	Client *http.Client
	// FlushTimeout bounds each of the two phases of shutdown (deliveries
	// in flight, then pending alerts); 5 s when 0.
	FlushTimeout time.Duration
	// Secrets are values besides the notifiers' own secrets that no error
	// may carry (the agent's token).
	Secrets []string
	Logger  *slog.Logger
}

// Dispatcher fans alert transitions out to notifiers. Run feeds them; Health
// and Test may be called from any goroutine.
type Dispatcher struct {
	host   string
	log    *slog.Logger
	client *http.Client
	opts   Options
	flush  time.Duration
	ran    sync.Once

	// workers is the notifiers in force, replaced whole by Reload and
	// read without a lock for every transition.
	workers atomic.Pointer[[]*worker]
	// mu serialises Reload with Run's start and end: the workers Run
	// started and those it must stop.
	mu      sync.Mutex
	running bool
	wctx    context.Context
	wg      sync.WaitGroup
}

// list is the notifiers in force.
func (d *Dispatcher) list() []*worker { return *d.workers.Load() }

// New builds the notifiers. It does not touch the network, run commands or
// read secrets: secrets are read at each send, so a rotated token is
// picked up, and a missing one is a failed delivery with its reason
// (config.CheckNotifiers reports it up front).
func New(opts Options) *Dispatcher {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	host := opts.Host
	if host == "" {
		host, _ = os.Hostname()
	}
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if opts.Client != nil {
		c := *opts.Client
		client = &c
	}
	// A redirect is never followed: Go would forward headers such as
	// X-Api-Key to whatever host the receiver names. The poster reports
	// the 3xx instead.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d := &Dispatcher{host: host, log: logger, client: client, opts: opts, flush: cmp.Or(opts.FlushTimeout, finalFlush)}
	ws := d.build(opts.Notifiers, nil)
	d.workers.Store(&ws)
	return d
}

// build makes the workers of notifiers, reusing from old the worker of a
// notifier whose config is unchanged, so its grouping, reminders and
// delivery record carry on.
func (d *Dispatcher) build(notifiers []config.Notifier, old []*worker) []*worker {
	ns := notifiers
	if !slices.ContainsFunc(ns, func(n config.Notifier) bool { return n.Type == config.NotifierLog }) {
		ns = append([]config.Notifier{{Name: "log", Type: config.NotifierLog, MinSeverity: reading.Warning, SendResolved: true}}, ns...)
	}
	red := config.NewRedactor(ns, d.opts.Secrets...)
	logger, host, client, opts := d.log, d.host, d.client, d.opts
	var ws []*worker
	for _, n := range ns {
		if i := slices.IndexFunc(old, func(w *worker) bool { return reflect.DeepEqual(w.cfg, n) }); i >= 0 {
			ws = append(ws, old[i])
			continue
		}
		cfg := n
		l := logger.With("notifier", n.Name, "kind", n.Type)
		if n.Timeout <= 0 {
			// Not from the config file, which sets every default: never
			// wait for ever.
			n.Timeout = 30 * time.Second
		}
		var s Sender
		switch {
		case n.Type == config.NotifierLog:
			s = &logSender{log: l}
		case (n.Type == config.NotifierWebhook || n.Type == config.NotifierAlertmanager) && n.URL == "":
			s = broken{fmt.Errorf("%s notifier %q has no url", n.Type, n.Name)}
		case n.Type == config.NotifierWebhook:
			s = newWebhook(n, client)
		case n.Type == config.NotifierAlertmanager:
			s = newAlertmanager(n, client)
		case n.Type == config.NotifierExec && len(n.Command) == 0:
			s = broken{fmt.Errorf("exec notifier %q has no command", n.Name)}
		case n.Type == config.NotifierExec:
			s = &execSender{argv: n.Command, timeout: n.Timeout}
		default:
			s = broken{fmt.Errorf("notifier %q has unknown type %q", n.Name, n.Type)}
		}
		if b, ok := s.(broken); ok {
			l.Error("notifier cannot send", "error", red.Error(b.err))
		}
		// Every error leaves through here, to Health, the log and Test: a
		// receiver may echo a secret header back in its answer.
		s = redacting{s, red}
		w := newWorker(n, s, opts.QueueSize, host, l)
		w.cfg = cfg
		ws = append(ws, w)
	}
	return ws
}

// Reload puts notifiers in force, live (a reloaded config): a notifier
// whose config is unchanged carries on as it was; a new or changed one
// starts; one that left, or changed, delivers what it holds and stops.
func (d *Dispatcher) Reload(notifiers []config.Notifier) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.list()
	ws := d.build(notifiers, old)
	d.workers.Store(&ws)
	for _, w := range ws {
		if d.running && !slices.Contains(old, w) {
			d.wg.Go(func() { w.run(d.wctx, d.flush) })
		}
	}
	for _, w := range old {
		if !slices.Contains(ws, w) {
			w.q.Close() // run flushes what it holds, then returns
		}
	}
}

// redacting hides the configured secrets in its sender's errors.
type redacting struct {
	s   Sender
	red *config.Redactor
}

func (r redacting) Send(ctx context.Context, m Message) error { return r.red.Error(r.s.Send(ctx, m)) }

// broken stands for a notifier whose options cannot work, so its failures
// show in Health and in `vigia alert test` instead of being skipped.
type broken struct{ err error }

func (b broken) Send(context.Context, Message) error { return b.err }

// Names returns the notifiers' names in config order, "log" first when it
// was added.
func (d *Dispatcher) Names() []string {
	ws := d.list()
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.name
	}
	return names
}

// finalFlush is the default bound on each phase of shutdown, so a hanging
// receiver cannot hold the process.
const finalFlush = 5 * time.Second

// Run reads analysed readings until in is closed or ctx is done, hands each
// alert transition to every notifier without waiting, then lets each
// notifier deliver what it still holds (at most twice FlushTimeout) and
// returns.
// Run may be called once; it returns nil.
func (d *Dispatcher) Run(ctx context.Context, in <-chan reading.Reading) error {
	first := false
	d.ran.Do(func() { first = true })
	if !first {
		return errors.New("notify: Run called twice")
	}
	// Deliveries in flight at shutdown get d.flush to finish, then their
	// context is cancelled; pending alerts then get one more d.flush.
	wctx, cancel := context.WithCancel(ctx)
	d.mu.Lock()
	d.running, d.wctx = true, wctx
	for _, w := range d.list() {
		d.wg.Go(func() { w.run(wctx, d.flush) })
	}
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.running = false
		for _, w := range d.list() {
			w.q.Close()
		}
		d.mu.Unlock()
		t := time.AfterFunc(d.flush, cancel)
		d.wg.Wait()
		t.Stop()
		cancel()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case r, ok := <-in:
			if !ok {
				return nil
			}
			for _, t := range r.Transitions {
				a, ok := alertOf(t)
				if !ok {
					continue
				}
				for _, w := range d.list() {
					// One line a minute at most: a stuck notifier with a
					// flapping machine would otherwise flood the log.
					if w.q.Push(a) && time.Since(w.dropLogged) >= time.Minute {
						w.dropLogged = time.Now()
						w.log.Warn("alert events dropped: notifier queue full", "dropped_total", w.q.Dropped())
					}
				}
			}
		}
	}
}

// Health returns each notifier's delivery record, in config order.
func (d *Dispatcher) Health() []reading.NotifierHealth {
	ws := d.list()
	hs := make([]reading.NotifierHealth, len(ws))
	for i, w := range ws {
		hs[i] = w.health()
	}
	return hs
}

// Result is the outcome of a test alert through one notifier.
type Result struct {
	Notifier string
	Type     string
	Duration time.Duration
	Err      error
}

// Test sends a test alert through the notifier called name, or through
// every notifier when name is empty, and waits for each delivery (each
// bounded by its own timeouts and by ctx). It bypasses grouping and is not
// counted in Health.
func (d *Dispatcher) Test(ctx context.Context, name string) []Result {
	var ws []*worker
	for _, w := range d.list() {
		if name == "" || w.name == name {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return []Result{{Notifier: name, Err: fmt.Errorf("no notifier named %q (configured: %s)", name, strings.Join(d.Names(), ", "))}}
	}
	now := time.Now()
	m := Message{Host: d.host, Time: now, Test: true, Alerts: []Alert{testAlert(now)}}
	m.Alerts[0].Fingerprint = fingerprint(m.Alerts[0].Rule, m.Alerts[0].Sensor, "", nil)
	res := make([]Result, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Go(func() {
			start := time.Now()
			err := w.sender.Send(ctx, m)
			res[i] = Result{Notifier: w.name, Type: w.typ, Duration: time.Since(start), Err: err}
		})
	}
	wg.Wait()
	return res
}

func testAlert(now time.Time) Alert {
	return Alert{
		Event:    Test,
		Rule:     "vigia_test",
		Sensor:   reading.SensorSelf,
		Severity: reading.Warning,
		Message:  "Test alert sent by `vigia alert test`; no action is needed.",
		StartsAt: now,
		Time:     now,
	}
}

// alertOf turns a transition into an alert event; false for a transition
// that neither fires nor resolves (to or from unknown).
func alertOf(t reading.Transition) (Alert, bool) {
	a := Alert{
		Rule:      t.Rule,
		Sensor:    t.Sensor,
		Metric:    t.Metric,
		Labels:    t.Labels,
		Value:     t.Value,
		Threshold: t.Threshold,
		Message:   t.Message,
		StartsAt:  t.Since,
		Time:      t.Time,
	}
	if a.StartsAt.IsZero() {
		a.StartsAt = t.Time
	}
	switch {
	case t.To >= reading.Warning && t.From <= reading.Normal:
		a.Event, a.Severity = Raised, t.To
	case t.To >= reading.Warning && t.To > t.From:
		a.Event, a.Severity = Escalated, t.To
	case t.To >= reading.Warning && t.To < t.From:
		a.Event, a.Severity = Lowered, t.To
	case t.To == reading.Normal && t.From >= reading.Warning:
		a.Event, a.Severity, a.EndsAt = Resolved, t.From, t.Time
	default:
		return Alert{}, false
	}
	a.Fingerprint = fingerprint(a.Rule, a.Sensor, a.Metric, a.Labels)
	return a, true
}

func fingerprint(rule, sensor, metric string, labels []reading.Label) string {
	h := fnv.New64a()
	for _, s := range []string{rule, sensor, metric} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, l := range labels {
		h.Write([]byte(l.Name))
		h.Write([]byte{1})
		h.Write([]byte(l.Value))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// newQueue is the per-notifier queue; its drop policy (oldest first,
// counted) is queue.Queue's.
func newQueue(size int) *queue.Queue[Alert] {
	if size <= 0 {
		size = 256
	}
	return queue.New[Alert](size)
}
