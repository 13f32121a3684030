// Package supervise runs a function on a cadence and keeps it running: each
// call gets a deadline, a panic becomes an error, repeated failures back off
// exponentially, and a call that overruns its deadline is abandoned and the
// task marked stale. It imports only the standard library.
package supervise

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Func is one unit of supervised work, such as one sensor read. It must give
// up when ctx is done; one that does not is abandoned at its deadline.
type Func func(ctx context.Context) error

// State is how a supervised task is doing.
type State uint8

const (
	// OK means the last call succeeded, or none has failed yet.
	OK State = iota
	// Failing means the last call returned an error or panicked.
	Failing
	// Stale means a call overran its deadline; it stays stale until a later
	// call succeeds.
	Stale
)

var stateNames = [...]string{"ok", "failing", "stale"}

// String returns the state's lower-case name.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// retryError asks for the next call sooner than the interval, without
// counting a failure.
type retryError struct {
	after  time.Duration
	reason error
}

func (e *retryError) Error() string { return fmt.Sprintf("retry in %v: %v", e.after, e.reason) }
func (e *retryError) Unwrap() error { return e.reason }

// RetryIn returns an error that tells the supervisor the call did nothing
// wrong but wants to be called again after d rather than after a whole
// interval: a sensor that has only taken its baseline. It is not counted as
// a failure.
func RetryIn(d time.Duration, reason error) error { return &retryError{after: d, reason: reason} }

// ErrPanic wraps a panic recovered from a call.
var ErrPanic = errors.New("panic")

// ErrDeadline is the error of a call abandoned at its deadline.
var ErrDeadline = errors.New("call overran its deadline and was abandoned")

// Options configures a Supervisor.
type Options struct {
	// Name identifies the task in logs and in Status.
	Name string
	// Interval is the cadence of calls; it must be positive.
	Interval time.Duration
	// Timeout is each call's deadline; 0 means the interval.
	Timeout time.Duration
	// MaxBackoff caps the wait after repeated failures; 0 means 30 s, or the
	// interval when that is longer.
	MaxBackoff time.Duration
	// Epoch, when set, puts healthy calls on a grid: Epoch + k×Interval.
	// Tasks that share an epoch and an interval then run at the same
	// instants, so a process running several of them wakes once per
	// interval instead of once per task (each wake-up has a fixed cost that
	// dwarfs a light task's own). Zero keeps each task's own phase.
	Epoch time.Time
	// OnChange, when set, is called from the supervisor's goroutine each
	// time the state changes, with the status after the change. It must not
	// block for long.
	OnChange func(Status)
	// Logger receives one line per state change, and the stack of each
	// panic; the caller scopes it (logger.With("sensor", name)). Nil
	// discards them.
	Logger *slog.Logger
}

// Status is a snapshot of a supervised task.
type Status struct {
	Name     string
	State    State
	Interval time.Duration
	// LastRun is when the last finished call started, LastDuration how long
	// it took. An abandoned call leaves both unchanged.
	LastRun      time.Time
	LastDuration time.Duration
	Calls        uint64 // calls started
	Failures     uint64 // calls that failed, panicked or overran
	// Restarts counts calls made after a failed one: the retries under
	// backoff, the restart after a panic, the first call after a hang.
	Restarts  uint64
	Panics    uint64
	LastError string
	// Consecutive is the number of failures since the last success.
	Consecutive int
}

// Supervisor runs one Func. Build it with New, start it with Run in its own
// goroutine; Status and SetInterval are safe to call from any goroutine.
type Supervisor struct {
	fn       Func
	opts     Options
	logger   *slog.Logger
	interval chan time.Duration

	mu     sync.Mutex
	status Status
}

// New checks opts and returns a Supervisor for fn.
func New(fn Func, opts Options) (*Supervisor, error) {
	if fn == nil {
		return nil, fmt.Errorf("supervise %q: nil func", opts.Name)
	}
	if opts.Interval <= 0 {
		return nil, fmt.Errorf("supervise %q: interval %v is not positive", opts.Name, opts.Interval)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("supervise %q: timeout %v is negative", opts.Name, opts.Timeout)
	}
	if opts.MaxBackoff < 0 {
		return nil, fmt.Errorf("supervise %q: max backoff %v is negative", opts.Name, opts.MaxBackoff)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Supervisor{
		fn:       fn,
		opts:     opts,
		logger:   logger,
		interval: make(chan time.Duration, 1),
		status:   Status{Name: opts.Name, Interval: opts.Interval},
	}, nil
}

// Status returns a snapshot of the task's state and counters.
func (s *Supervisor) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// SetInterval changes the cadence from the next call on; a non-positive d is
// ignored. It never blocks.
func (s *Supervisor) SetInterval(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	s.status.Interval = d
	s.mu.Unlock()
	for {
		select {
		case s.interval <- d:
			return
		default:
		}
		// Replace a pending change nobody has taken yet.
		select {
		case <-s.interval:
		default:
		}
	}
}

func (s *Supervisor) currentInterval() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status.Interval
}

func (s *Supervisor) timeout(interval time.Duration) time.Duration {
	if s.opts.Timeout > 0 {
		return s.opts.Timeout
	}
	return interval
}

func (s *Supervisor) maxBackoff(interval time.Duration) time.Duration {
	if s.opts.MaxBackoff > 0 {
		return max(s.opts.MaxBackoff, interval)
	}
	return max(30*time.Second, interval)
}

// backoff returns the wait after the n-th consecutive failure: one interval
// after the first, doubling after each further one, capped.
func (s *Supervisor) backoff(interval time.Duration, n int) time.Duration {
	limit := s.maxBackoff(interval)
	d := interval
	for i := 1; i < n; i++ {
		d *= 2
		if d >= limit || d <= 0 {
			return limit
		}
	}
	return min(d, limit)
}

type result struct {
	err      error
	panicked bool
	stack    []byte
}

// call runs fn, turning a panic into an error, and always sends one
// result: also when fn ends its goroutine with runtime.Goexit.
func call(ctx context.Context, fn Func, done chan<- result) {
	returned := false
	defer func() {
		if v := recover(); v != nil {
			done <- result{err: fmt.Errorf("%w: %v", ErrPanic, v), panicked: true, stack: debug.Stack()}
		} else if !returned {
			done <- result{err: errGoexit}
		}
	}()
	err := fn(ctx)
	returned = true
	done <- result{err: err}
}

// errGoexit is a call whose function ended its goroutine.
var errGoexit = errors.New("the call ended its goroutine (runtime.Goexit)")

// callRequest is one call for the caller goroutine.
type callRequest struct {
	ctx  context.Context
	done chan<- result
}

// caller makes the calls Run asks for, one at a time, on one goroutine
// that lives as long as Run: a goroutine started per call begins with a
// small stack and grows it by copying each time, which was 6.5 % of `vigia
// top`'s CPU at 1,000 processes (the process walk's stack copied in two
// or three steps a pass). Run sends a request only when no call is
// outstanding, so the caller is then free. A function that ends the
// goroutine leaves a new caller behind.
func caller(fn Func, reqs <-chan callRequest) {
	finished := false
	defer func() {
		if !finished {
			go caller(fn, reqs)
		}
	}()
	for req := range reqs {
		call(req.ctx, fn, req.done)
	}
	finished = true
}

// Run calls the function at once and then on the cadence until ctx is done.
// It returns when ctx is done without waiting for a call still running past
// its deadline: such a call is left to finish on its own, and no new call is
// started while it is outstanding.
func (s *Supervisor) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	reqs := make(chan callRequest)
	defer close(reqs)
	go caller(s.fn, reqs)
	scheduled := time.Now()
	var (
		outstanding <-chan result // an abandoned call that has not returned
		lastStart   time.Time
	)
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-s.interval:
			// Re-plan from the last call so a shorter interval takes effect
			// at once and a longer one does not fire early; a backoff in
			// progress keeps its own schedule.
			if s.Status().Consecutive == 0 && outstanding == nil {
				scheduled = s.next(lastStart, lastStart.Add(d), d)
				timer.Reset(max(time.Until(scheduled), 0))
			}
			continue
		case <-timer.C:
		}
		interval := s.currentInterval()
		if outstanding != nil {
			select {
			case <-outstanding:
				outstanding = nil
			default:
				// Still hung: stay stale, look again next tick.
				scheduled = time.Now().Add(interval)
				timer.Reset(interval)
				continue
			}
		}

		start := time.Now()
		lastStart = start
		s.mu.Lock()
		s.status.Calls++
		if s.status.Consecutive > 0 || s.status.State == Stale {
			s.status.Restarts++
		}
		s.mu.Unlock()

		cctx, cancel := context.WithTimeout(ctx, s.timeout(interval))
		done := make(chan result, 1)
		reqs <- callRequest{cctx, done}
		var res result
		select {
		case res = <-done:
		case <-cctx.Done():
			// The parent may have ended while the call returned: prefer a
			// result that is there.
			select {
			case res = <-done:
			default:
				if ctx.Err() != nil {
					cancel()
					return
				}
				outstanding = done
				res = result{err: fmt.Errorf("%w (%v)", ErrDeadline, s.timeout(interval))}
			}
		}
		cancel()
		if ctx.Err() != nil {
			// Shutting down: whatever the call says is about the shutdown,
			// not the task.
			return
		}
		now := time.Now()

		var wait time.Duration
		var retry *retryError
		switch {
		case outstanding != nil:
			wait = s.fail(Stale, res, interval)
		case errors.Is(res.err, context.DeadlineExceeded) && errors.Is(cctx.Err(), context.DeadlineExceeded):
			// The call gave up at its deadline as it should: it overran
			// all the same.
			s.mu.Lock()
			s.status.LastRun, s.status.LastDuration = start, now.Sub(start)
			s.mu.Unlock()
			wait = s.fail(Stale, res, interval)
		case res.err == nil:
			s.succeed(start, now.Sub(start))
			wait = interval
		case errors.As(res.err, &retry):
			s.mu.Lock()
			s.status.LastRun, s.status.LastDuration = start, now.Sub(start)
			s.mu.Unlock()
			wait = retry.after
		default:
			s.mu.Lock()
			s.status.LastRun, s.status.LastDuration = start, now.Sub(start)
			s.mu.Unlock()
			wait = s.fail(Failing, res, interval)
		}
		if wait == interval {
			// Keep a fixed rate while healthy, unless this call started a
			// whole interval late (re-planned, or after a hang): then count
			// from its start. After a slow call, start again at once rather
			// than try to catch up.
			if start.After(scheduled.Add(interval)) {
				scheduled = start
			}
			scheduled = s.next(start, scheduled.Add(interval), interval)
			if scheduled.Before(now) {
				scheduled = now
			}
		} else {
			scheduled = now.Add(wait)
		}
		timer.Reset(max(scheduled.Sub(now), 0))
	}
}

// next returns when the call after one that started at start is due:
// planned, or with an epoch the first grid point at least half an interval
// after start, so a call that ran late does not get a second one right
// behind it.
func (s *Supervisor) next(start, planned time.Time, interval time.Duration) time.Time {
	if s.opts.Epoch.IsZero() {
		return planned
	}
	return NextOnGrid(s.opts.Epoch, start.Add(interval/2), interval)
}

// NextOnGrid returns the first instant epoch + k×interval (k ≥ 0) at or
// after t. It steps from t by less than one interval rather than computing
// k×interval, which for an interval near the largest Duration (2000000h)
// wraps negative and lands in the past: a supervisor then spins.
func NextOnGrid(epoch, t time.Time, interval time.Duration) time.Time {
	if interval <= 0 || !t.After(epoch) {
		return epoch
	}
	rem := t.Sub(epoch) % interval
	if rem == 0 {
		return t
	}
	return t.Add(interval - rem)
}

func (s *Supervisor) succeed(start time.Time, took time.Duration) {
	s.mu.Lock()
	s.status.LastRun, s.status.LastDuration = start, took
	s.status.Consecutive = 0
	changed := s.status.State != OK
	s.status.State = OK
	st := s.status
	s.mu.Unlock()
	if changed {
		s.logger.Info("recovered")
		s.notify(st)
	}
}

// fail records a failed call and returns the backoff before the next one.
func (s *Supervisor) fail(state State, res result, interval time.Duration) time.Duration {
	s.mu.Lock()
	s.status.Failures++
	s.status.Consecutive++
	if res.panicked {
		s.status.Panics++
	}
	s.status.LastError = res.err.Error()
	changed := s.status.State != state
	s.status.State = state
	st := s.status
	s.mu.Unlock()
	wait := s.backoff(interval, st.Consecutive)
	if res.panicked {
		// A panic is a bug: keep its stack, once per panic.
		s.logger.Error("recovered from panic", "error", res.err, "stack", string(res.stack))
	}
	if changed {
		s.logger.Warn(state.String(), "error", res.err, "retry_in", wait)
		s.notify(st)
	}
	return wait
}

func (s *Supervisor) notify(st Status) {
	if s.opts.OnChange != nil {
		s.opts.OnChange(st)
	}
}
