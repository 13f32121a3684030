package engine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigia-dev/vigia/internal/queue"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// analyser is one worker of the pool. It owns an Evaluator for the sensors
// of its partition and runs it in a helper goroutine so that an analysis
// past its deadline can be left behind: the reading goes on with status
// Unknown, and until the late analysis returns every further reading of the
// partition does too (the evaluator is busy), so order is kept and nothing
// waits. Transitions of a late analysis are not lost: they ride on the next
// analysed reading of the same sensor.
type analyser struct {
	e       *Engine
	logger  *slog.Logger
	timeout time.Duration
	in      chan job
	out     chan verdict
	busy    bool
	timer   *time.Timer
	carry   map[string][]reading.Transition
	// gen is the generation of the engine's rules the evaluator runs.
	gen uint64
}

// tickSensor marks a queued tick (see clock): no sensor has this name.
const tickSensor = "\x00tick"

type job struct {
	r    reading.Reading
	now  time.Time
	tick bool // no reading: raise the absent alerts due at now (rule.Evaluator.Tick)
	// rules, when set, replaces the evaluator's rules (rule.Evaluator.Replace).
	rules []rule.Rule
}

type verdict struct {
	sensor string
	status reading.Status
	trs    []reading.Transition
}

func newAnalyser(e *Engine, i int) *analyser {
	a := &analyser{
		e:       e,
		logger:  e.logger.With("analyser", i),
		timeout: e.opts.AnalysisTimeout,
		in:      make(chan job),
		out:     make(chan verdict, 1),
		carry:   map[string][]reading.Transition{},
	}
	return a
}

// run analyses the queue's readings until it is closed and drained.
func (a *analyser) run(q *queue.Queue[reading.Reading]) {
	a.start()
	defer a.stop()
	for {
		r, err := q.Pop(context.Background())
		if err != nil {
			return
		}
		if r.Sensor == tickSensor {
			a.tick(r.Time)
			continue
		}
		r.Status, r.Transitions = a.analyse(r)
		a.e.deliver(r)
	}
}

// start launches the evaluating goroutine; it exits after stop, or on its
// own once a late analysis it was left with returns.
func (a *analyser) start() {
	analyse := a.e.opts.analyse
	if analyse == nil {
		analyse = func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
			return ev.Eval(r, now)
		}
	}
	rs := a.e.rules.Load()
	a.gen = rs.gen
	go a.evaluate(rule.NewEvaluator(rs.rules), analyse)
	a.timer = time.NewTimer(time.Hour)
	a.timer.Stop()
}

func (a *analyser) stop() { close(a.in) }

// evaluate is the helper goroutine: it owns ev.
func (a *analyser) evaluate(ev *rule.Evaluator, analyse func(*rule.Evaluator, reading.Reading, time.Time) (reading.Status, []reading.Transition)) {
	for j := range a.in {
		a.out <- a.safely(&ev, analyse, j)
	}
}

func (a *analyser) safely(evp **rule.Evaluator, analyse func(*rule.Evaluator, reading.Reading, time.Time) (reading.Status, []reading.Transition), j job) (v verdict) {
	ev := *evp
	v.sensor = j.r.Sensor
	defer func() {
		if p := recover(); p != nil {
			a.logger.Error("analysis panicked", "sensor", j.r.Sensor, "error", fmt.Sprint(p))
			v.status, v.trs = reading.Unknown, nil
		}
	}()
	if j.rules != nil {
		*evp, v.trs = ev.Replace(j.rules, j.now)
		return v
	}
	if j.tick {
		v.trs = ev.Tick(j.now)
		return v
	}
	v.status, v.trs = analyse(ev, j.r, j.now)
	return v
}

// outcome is how a job handed to the evaluating goroutine went.
type outcome uint8

const (
	evaluated outcome = iota
	stillBusy         // a late analysis still holds the evaluator: not run
	overran           // past the deadline: left to finish late
)

// submit hands j to the evaluating goroutine and waits for its verdict
// until the deadline.
func (a *analyser) submit(j job) (verdict, time.Duration, outcome) {
	if a.busy {
		select {
		case late := <-a.out:
			a.busy = false
			a.keep(late)
		default:
			return verdict{}, 0, stillBusy
		}
	}
	start := time.Now()
	a.in <- j
	a.timer.Reset(a.timeout)
	select {
	case v := <-a.out:
		a.timer.Stop()
		return v, time.Since(start), evaluated
	case <-a.timer.C:
		a.busy = true
		return verdict{}, 0, overran
	}
}

// analyse returns the status and transitions of r, or Unknown when the
// analysis overruns its deadline.
func (a *analyser) analyse(r reading.Reading) (reading.Status, []reading.Transition) {
	now := r.Time
	if now.IsZero() {
		now = time.Now()
	}
	a.takeRules(now)
	v, took, how := a.submit(job{r: r, now: now})
	switch how {
	case stillBusy:
		a.e.overruns.Add(1)
		return reading.Unknown, nil
	case overran:
		a.e.overruns.Add(1)
		a.logger.Warn("analysis overran its deadline", "sensor", r.Sensor, "deadline", a.timeout)
		return reading.Unknown, nil
	}
	a.e.latency.observe(took)
	trs := v.trs
	if carried := a.carry[r.Sensor]; len(carried) > 0 {
		trs = append(carried, trs...)
		delete(a.carry, r.Sensor)
	}
	return v.status, trs
}

// tick raises the absent alerts of this partition that are due at now even
// when no reading arrives to carry them: a sensor that failed sends one
// error reading, and if it is alone on its worker nothing else would. Each
// alert rides on an error reading of its sensor while that sensor is still
// down (as the first one did), or else on the sensor's next reading.
func (a *analyser) tick(now time.Time) {
	a.takeRules(now)
	v, _, how := a.submit(job{now: now, tick: true})
	if how != evaluated {
		return // the next tick will do
	}
	for len(v.trs) > 0 {
		sensor := v.trs[0].Sensor
		var mine, rest []reading.Transition
		for _, t := range v.trs {
			if t.Sensor == sensor {
				mine = append(mine, t)
			} else {
				rest = append(rest, t)
			}
		}
		v.trs = rest
		if down := a.e.downReading(sensor, now); down.Err != "" {
			down.Status, down.Transitions = reading.Unknown, mine
			a.e.deliver(down)
		} else {
			a.carry[sensor] = append(a.carry[sensor], mine...)
		}
	}
}

// takeRules hands the evaluator the engine's rules when they changed
// since it took them. The alerts of rules that left ride on their
// sensor's next reading, as a late analysis's do. A busy evaluator takes
// them at a later job.
func (a *analyser) takeRules(now time.Time) {
	rs := a.e.rules.Load()
	if rs.gen == a.gen {
		return
	}
	rules := rs.rules
	if rules == nil {
		rules = []rule.Rule{} // a job with nil rules is not a reload
	}
	v, _, how := a.submit(job{rules: rules, now: now})
	if how != evaluated {
		return
	}
	a.gen = rs.gen
	for _, t := range v.trs {
		a.carry[t.Sensor] = append(a.carry[t.Sensor], t)
	}
}

// keep saves a late analysis's transitions for the sensor's next reading.
func (a *analyser) keep(late verdict) {
	if len(late.trs) > 0 {
		a.carry[late.sensor] = append(a.carry[late.sensor], late.trs...)
	}
}
