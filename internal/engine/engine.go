// Package engine runs vigia's sensors and analyses what they read: each
// sensor in its own supervised goroutine, readings through a bounded queue to
// a pool of analysers that apply the rules, and a hub that fans the analysed
// readings out to every subscriber. Outputs never import this package: they
// take a <-chan reading.Reading and a func() reading.Health.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigia-dev/vigia/internal/queue"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
	"github.com/vigia-dev/vigia/internal/supervise"
)

// Defaults applied by New to zero options.
const (
	DefaultWorkers         = 2
	DefaultQueueSize       = 256
	DefaultAnalysisTimeout = time.Second
	DefaultSelfInterval    = 2 * time.Second
)

// SensorSpec is one sensor and its cadence; a zero Interval means
// sensor.DefaultInterval of its name.
type SensorSpec struct {
	Sensor   sensor.Sensor
	Interval time.Duration
	// Timeout, when set, is this sensor's read deadline in place of
	// Options.ReadTimeout.
	Timeout time.Duration
}

// Options configures an Engine. Zero values mean the defaults.
type Options struct {
	Sensors []SensorSpec
	// Rules are applied to every reading; nil means none (pass
	// rule.Defaults() for the original design's).
	Rules []rule.Rule
	// Workers is the number of analysers (default 2); each sensor's
	// readings always go to the same one, so they are analysed in order.
	Workers int
	// QueueSize is the capacity of the queue between sensors and analysers
	// (default 256), shared evenly among the analysers. When full, the
	// oldest reading is dropped and counted.
	QueueSize int
	// ReadTimeout is how long one sensor read may take before it is
	// abandoned and the sensor shown as stale; zero means the sensor's
	// interval, or for a sensor.Patient its ReadDeadline.
	ReadTimeout time.Duration
	// AnalysisTimeout bounds the analysis of one reading (default 1 s); a
	// reading whose analysis overruns it goes on with status Unknown.
	AnalysisTimeout time.Duration
	// SelfInterval is the cadence of the engine's own "self" reading
	// (default 2 s); negative turns it off.
	SelfInterval time.Duration
	Logger       *slog.Logger

	// analyse replaces rule evaluation in tests (a slow analysis).
	analyse func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition)
}

// Engine runs sensors and analysers. Build it with New, Subscribe the
// outputs, then Run it once.
type Engine struct {
	opts    Options
	logger  *slog.Logger
	sensors []*sensorRun
	epoch   time.Time // the grid every reading cadence is laid on
	ticks   bool      // an absent rule at the start: the clock runs for the analysers' ticks
	queues  []*queue.Queue[reading.Reading]

	readings atomic.Uint64
	overruns atomic.Uint64
	latency  latency
	running  atomic.Bool

	// rules is the rule set in force; SetRules swaps it and each
	// analyser takes it up before its next job.
	rules atomic.Pointer[ruleSet]

	mu      sync.Mutex
	started time.Time
	subs    []*Subscription
	ended   bool // Run has closed every subscription
	// subsView is subs, copied on write, for the analysers to range over
	// without the lock.
	subsView atomic.Pointer[[]*Subscription]
}

// ruleSet is one generation of rules.
type ruleSet struct {
	gen   uint64
	rules []rule.Rule
	// absent is set when some rule is an absent rule: the analysers need
	// ticks.
	absent bool
}

func newRuleSet(gen uint64, rules []rule.Rule) *ruleSet {
	rs := &ruleSet{gen: gen, rules: rules}
	for _, r := range rules {
		rs.absent = rs.absent || r.Kind == rule.Absent
	}
	return rs
}

type sensorRun struct {
	name      string
	sensor    sensor.Sensor
	sup       *supervise.Supervisor
	partition int
}

// New checks opts and returns an Engine ready to Run. Errors name the
// offending option.
func New(opts Options) (*Engine, error) {
	if opts.Workers < 0 {
		return nil, fmt.Errorf("engine: workers %d is negative", opts.Workers)
	}
	if opts.QueueSize < 0 {
		return nil, fmt.Errorf("engine: queue size %d is negative", opts.QueueSize)
	}
	if opts.ReadTimeout < 0 {
		return nil, fmt.Errorf("engine: read timeout %v is negative", opts.ReadTimeout)
	}
	if opts.AnalysisTimeout < 0 {
		return nil, fmt.Errorf("engine: analysis timeout %v is negative", opts.AnalysisTimeout)
	}
	if opts.Workers == 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.QueueSize == 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.AnalysisTimeout == 0 {
		opts.AnalysisTimeout = DefaultAnalysisTimeout
	}
	if opts.SelfInterval == 0 {
		opts.SelfInterval = DefaultSelfInterval
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := checkRules(opts.Rules); err != nil {
		return nil, err
	}

	// One epoch for every sensor and the self reading: those sharing an
	// interval read at the same instants (supervise.Options.Epoch).
	e := &Engine{opts: opts, logger: logger, epoch: time.Now()}
	per := (opts.QueueSize + opts.Workers - 1) / opts.Workers
	for range opts.Workers {
		e.queues = append(e.queues, queue.New[reading.Reading](per))
	}
	seen := map[string]bool{}
	for i, spec := range opts.Sensors {
		if spec.Sensor == nil {
			return nil, fmt.Errorf("engine: sensor %d is nil", i+1)
		}
		name := spec.Sensor.Name()
		if name == reading.SensorSelf || name == tickSensor {
			return nil, fmt.Errorf("engine: sensor %d is named %q, which the engine's own reading uses", i+1, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("engine: sensor %q given twice", name)
		}
		seen[name] = true
		if spec.Interval < 0 {
			return nil, fmt.Errorf("engine: sensor %q: interval %v is negative", name, spec.Interval)
		}
		if spec.Timeout < 0 {
			return nil, fmt.Errorf("engine: sensor %q: timeout %v is negative", name, spec.Timeout)
		}
		if spec.Interval == 0 {
			spec.Interval = sensor.DefaultInterval(name)
		}
		timeout := opts.ReadTimeout
		if spec.Timeout > 0 {
			timeout = spec.Timeout
		} else if p, ok := spec.Sensor.(sensor.Patient); ok && timeout == 0 {
			timeout = p.ReadDeadline(spec.Interval)
		}
		// Sensors are dealt round-robin to the analysers: the same
		// partitioning as a hash, without two busy sensors colliding.
		run := &sensorRun{name: name, sensor: spec.Sensor, partition: i % opts.Workers}
		sup, err := supervise.New(e.readFunc(run), supervise.Options{
			Name:     name,
			Interval: spec.Interval,
			Timeout:  timeout,
			Epoch:    e.epoch,
			OnChange: func(st supervise.Status) { e.sensorChanged(run, st) },
			Logger:   logger.With("sensor", name),
		})
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		run.sup = sup
		e.sensors = append(e.sensors, run)
	}
	e.rules.Store(newRuleSet(0, opts.Rules))
	e.ticks = e.rules.Load().absent
	empty := []*Subscription{}
	e.subsView.Store(&empty)
	return e, nil
}

// checkRules is what New and SetRules require of rules.
func checkRules(rules []rule.Rule) error {
	names := map[string]bool{}
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("engine: rule %d: %w", i+1, err)
		}
		if names[r.Name] {
			return fmt.Errorf("engine: rule %d: name %q already used", i+1, r.Name)
		}
		names[r.Name] = true
	}
	return nil
}

// readFunc is what the supervisor calls for one read of a sensor.
func (e *Engine) readFunc(run *sensorRun) supervise.Func {
	return func(ctx context.Context) error {
		now := time.Now()
		r, err := run.sensor.Read(ctx, now)
		if errors.Is(err, sensor.ErrWarmup) {
			return supervise.RetryIn(sensor.WarmupDelay, err)
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			// Abandoned past its deadline or shutting down: too late to
			// show, and the sensor is already reported stale.
			return ctx.Err()
		}
		r.Sensor = run.name
		if r.Time.IsZero() {
			r.Time = now
		}
		// A sensor's analysis is the engine's job: whatever it set is reset.
		r.Status, r.Transitions, r.Err = reading.Unknown, nil, ""
		e.push(run.partition, r)
		return nil
	}
}

// sensorChanged turns a sensor going bad into one reading with Err set, so
// every output shows it once, not on every tick.
func (e *Engine) sensorChanged(run *sensorRun, st supervise.Status) {
	if r := errReading(run.name, st, time.Now()); r.Err != "" {
		e.push(run.partition, r)
	}
}

// errReading is the error reading of a sensor whose supervisor is in state
// st: empty while it reads fine.
func errReading(name string, st supervise.Status, now time.Time) reading.Reading {
	if st.State == supervise.OK {
		return reading.Reading{}
	}
	msg := st.LastError
	if st.State == supervise.Stale {
		msg = "stale: " + msg
	}
	return reading.Reading{Sensor: name, Time: now, Err: msg}
}

// downReading is the error reading of the named sensor if it is failing or
// stale now, else an empty one.
func (e *Engine) downReading(name string, now time.Time) reading.Reading {
	for _, s := range e.sensors {
		if s.name == name {
			return errReading(name, s.sup.Status(), now)
		}
	}
	return reading.Reading{}
}

func (e *Engine) push(partition int, r reading.Reading) {
	e.queues[partition%len(e.queues)].Push(r)
}

// SetRules replaces the rules, live (a reloaded config): checked as New
// checks them, an error leaves the rules in force unchanged. Alerts of
// rules that stay (same name, same series) keep their state; those of
// rules that left are resolved on their sensor's next reading.
func (e *Engine) SetRules(rules []rule.Rule) error {
	if err := checkRules(rules); err != nil {
		return err
	}
	for {
		old := e.rules.Load()
		if e.rules.CompareAndSwap(old, newRuleSet(old.gen+1, rules)) {
			return nil
		}
	}
}

// Rules returns the rules in force.
func (e *Engine) Rules() []rule.Rule { return e.rules.Load().rules }

// SetSensorInterval changes one sensor's cadence, live; it reports
// whether the engine runs that sensor.
func (e *Engine) SetSensorInterval(name string, d time.Duration) bool {
	for _, s := range e.sensors {
		if s.name == name {
			if d <= 0 {
				d = sensor.DefaultInterval(name)
			}
			s.sup.SetInterval(d)
			return true
		}
	}
	return false
}

// SetInterval changes every sensor's cadence, live; a non-positive d is
// ignored. The self reading keeps its own cadence.
func (e *Engine) SetInterval(d time.Duration) {
	if d <= 0 {
		return
	}
	for _, s := range e.sensors {
		s.sup.SetInterval(d)
	}
}

// Run starts the sensors and analysers and blocks until ctx is done. Then it
// stops the sensors (a read hung in the kernel is abandoned, not awaited),
// analyses what is queued, delivers it, closes every subscription's C and
// returns nil. Run may be called once.
func (e *Engine) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("engine: Run called twice")
	}
	e.mu.Lock()
	e.started = time.Now()
	e.mu.Unlock()

	var analysers sync.WaitGroup
	for i, q := range e.queues {
		a := newAnalyser(e, i)
		analysers.Go(func() { a.run(q) })
	}

	sctx, stopSensors := context.WithCancel(ctx)
	var producers sync.WaitGroup
	for _, s := range e.sensors {
		producers.Go(func() { s.sup.Run(sctx) })
	}
	if e.opts.SelfInterval > 0 || e.ticks {
		producers.Go(func() { e.clock(sctx) })
	}

	<-ctx.Done()
	stopSensors()
	producers.Wait()
	for _, q := range e.queues {
		q.Close()
	}
	analysers.Wait()

	e.mu.Lock()
	e.ended = true
	for _, s := range e.subs {
		close(s.c)
	}
	e.mu.Unlock()
	return nil
}

// Health reports the engine's own state: counters, the queue, each sensor as
// its supervisor sees it (LastError only while it is failing or stale), each
// output's buffer. Safe to call at any time.
func (e *Engine) Health() reading.Health {
	e.mu.Lock()
	h := reading.Health{Started: e.started}
	subs := e.subs
	e.mu.Unlock()
	h.Readings = e.readings.Load()
	h.AnalysisOverruns = e.overruns.Load()
	h.AnalysisLatency = e.latency.snapshot()
	for _, q := range e.queues {
		h.QueueLen += q.Len()
		h.QueueCap += q.Cap()
		h.QueueDropped += q.Dropped()
	}
	h.Sensors = make([]reading.SensorHealth, 0, len(e.sensors))
	for _, s := range e.sensors {
		st := s.sup.Status()
		if st.State == supervise.OK {
			// LastError says what is wrong now: outputs take a sensor with
			// one as down. Failures keeps the count of the past ones.
			st.LastError = ""
		}
		h.Sensors = append(h.Sensors, reading.SensorHealth{
			Name:         s.name,
			Interval:     st.Interval,
			LastRead:     st.LastRun,
			LastDuration: st.LastDuration,
			Stale:        st.State == supervise.Stale,
			Restarts:     st.Restarts,
			Failures:     st.Failures,
			LastError:    st.LastError,
		})
	}
	h.Outputs = make([]reading.OutputHealth, 0, len(subs))
	for _, s := range subs {
		h.Outputs = append(h.Outputs, reading.OutputHealth{Name: s.name, Buffered: len(s.c), Dropped: s.Dropped()})
	}
	return h
}
