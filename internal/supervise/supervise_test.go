package supervise

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder is a Func whose behaviour is scripted per call and which records
// when each call started, relative to the bubble's start.
type recorder struct {
	mu     sync.Mutex
	start  time.Time
	starts []time.Duration
	script func(ctx context.Context, n int) error
}

func (r *recorder) fn(ctx context.Context) error {
	r.mu.Lock()
	n := len(r.starts)
	r.starts = append(r.starts, time.Since(r.start))
	r.mu.Unlock()
	return r.script(ctx, n)
}

func (r *recorder) calls() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.starts...)
}

func run(t *testing.T, s *Supervisor) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func mustNew(t *testing.T, fn Func, opts Options) *Supervisor {
	t.Helper()
	s, err := New(fn, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestCadence(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(context.Context, int) error {
			time.Sleep(100 * time.Millisecond) // a read takes time; the rate stays fixed
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "cpu", Interval: time.Second})
		stop := run(t, s)
		time.Sleep(3500 * time.Millisecond)
		stop()
		want := []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}
		if diff := cmp.Diff(want, r.calls()); diff != "" {
			t.Errorf("call times mismatch (-want +got):\n%s", diff)
		}
		st := s.Status()
		if st.State != OK || st.Calls != 4 || st.Failures != 0 || st.LastDuration != 100*time.Millisecond {
			t.Errorf("Status() = %+v, want OK, 4 calls, no failures, 100ms duration", st)
		}
	})
}

func TestBackoffDoublesCapsAndResets(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Calls 0..5 fail, 6 succeeds, 7 fails again.
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			if n <= 5 || n == 7 {
				return errors.New("no such file")
			}
			return nil
		}}
		var changes []State
		s := mustNew(t, r.fn, Options{Name: "disk", Interval: time.Second, MaxBackoff: 8 * time.Second,
			OnChange: func(st Status) { changes = append(changes, st.State) }})
		stop := run(t, s)
		time.Sleep(40500 * time.Millisecond)
		stop()
		s1 := time.Second
		// Waits after failures: 1, 2, 4, 8, 8, 8 (capped); after the success
		// one interval; after the next failure 1 again (reset).
		want := []time.Duration{0, 1 * s1, 3 * s1, 7 * s1, 15 * s1, 23 * s1, 31 * s1, 32 * s1, 33 * s1, 34 * s1, 35 * s1, 36 * s1, 37 * s1, 38 * s1, 39 * s1, 40 * s1}
		if diff := cmp.Diff(want, r.calls()); diff != "" {
			t.Errorf("call times mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]State{Failing, OK, Failing, OK}, changes); diff != "" {
			t.Errorf("state changes mismatch (-want +got):\n%s", diff)
		}
		st := s.Status()
		if st.Failures != 7 || st.Restarts != 7 || st.LastError != "no such file" {
			t.Errorf("Status() = %+v, want 7 failures, 7 restarts, last error kept", st)
		}
	})
}

func TestPanicIsRecoveredAndRestarted(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			if n == 1 {
				var m map[string]int
				//lint:ignore SA5000 the nil-map panic is what this test recovers from
				m["boom"]++
			}
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "temperature", Interval: time.Second})
		stop := run(t, s)
		time.Sleep(1500 * time.Millisecond)
		mid := s.Status()
		time.Sleep(time.Second)
		stop()
		if mid.State != Failing || mid.Panics != 1 || !strings.HasPrefix(mid.LastError, "panic: assignment to entry in nil map") {
			t.Errorf("after the panic Status() = %+v, want failing with the panic as last error", mid)
		}
		st := s.Status()
		if st.State != OK || st.Restarts != 1 || st.Calls != 3 {
			t.Errorf("after the restart Status() = %+v, want OK, 1 restart, 3 calls", st)
		}
	})
}

// TestGoexitFailsTheCallAndCallsGoOn: a call whose function ends its
// goroutine (runtime.Goexit, as t.FailNow does) is a failed call, and the
// next calls are made as usual on the caller goroutine left in its place.
func TestGoexitFailsTheCallAndCallsGoOn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			if n == 1 {
				runtime.Goexit()
			}
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "load", Interval: time.Second})
		stop := run(t, s)
		time.Sleep(1500 * time.Millisecond)
		mid := s.Status()
		time.Sleep(2 * time.Second)
		stop()
		if mid.State != Failing || !strings.Contains(mid.LastError, "Goexit") {
			t.Errorf("after the Goexit Status() = %+v, want failing, naming it", mid)
		}
		if st := s.Status(); st.State != OK || st.Calls != 4 {
			t.Errorf("after it Status() = %+v, want OK after 4 calls", st)
		}
	})
}

func TestHangIsAbandonedAndStale(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var outstanding, most int
		var mu sync.Mutex
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			mu.Lock()
			outstanding++
			most = max(most, outstanding)
			mu.Unlock()
			defer func() { mu.Lock(); outstanding--; mu.Unlock() }()
			if n == 1 {
				<-release // ignores its context, like statfs on a dead NFS mount
			}
			return nil
		}}
		var changes []State
		s := mustNew(t, r.fn, Options{Name: "disk", Interval: time.Second, Timeout: 500 * time.Millisecond,
			OnChange: func(st Status) { changes = append(changes, st.State) }})
		stop := run(t, s)
		time.Sleep(1600 * time.Millisecond)
		if st := s.Status(); st.State != Stale || !strings.Contains(st.LastError, "deadline") {
			t.Errorf("1.6 s in Status() = %+v, want stale naming the deadline", st)
		}
		time.Sleep(5 * time.Second)
		// The hung call is still outstanding: no second call was started.
		if got := len(r.calls()); got != 2 {
			t.Errorf("with a call hung, %d calls started, want 2", got)
		}
		close(release)
		time.Sleep(3 * time.Second)
		stop()
		if st := s.Status(); st.State != OK {
			t.Errorf("after the hang ended Status() = %+v, want OK", st)
		}
		if most != 1 {
			t.Errorf("at most %d calls outstanding at once, want 1", most)
		}
		if diff := cmp.Diff([]State{Stale, OK}, changes); diff != "" {
			t.Errorf("state changes mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRetryInIsNotAFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			if n == 0 {
				return RetryIn(250*time.Millisecond, errors.New("baseline taken"))
			}
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "cpu", Interval: 2 * time.Second})
		stop := run(t, s)
		time.Sleep(2500 * time.Millisecond)
		stop()
		want := []time.Duration{0, 250 * time.Millisecond, 2250 * time.Millisecond}
		if diff := cmp.Diff(want, r.calls()); diff != "" {
			t.Errorf("call times mismatch (-want +got):\n%s", diff)
		}
		if st := s.Status(); st.Failures != 0 || st.State != OK {
			t.Errorf("Status() = %+v, want no failures", st)
		}
	})
}

func TestSetIntervalLive(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(context.Context, int) error { return nil }}
		s := mustNew(t, r.fn, Options{Name: "memory", Interval: 2 * time.Second})
		stop := run(t, s)
		time.Sleep(2500 * time.Millisecond) // calls at 0, 2
		s.SetInterval(200 * time.Millisecond)
		time.Sleep(900 * time.Millisecond) // 2.5 (re-planned from 2, already due), 2.7, 2.9, 3.1, 3.3
		s.SetInterval(0)                   // ignored
		stop()
		ms := time.Millisecond
		want := []time.Duration{0, 2000 * ms, 2500 * ms, 2700 * ms, 2900 * ms, 3100 * ms, 3300 * ms}
		if diff := cmp.Diff(want, r.calls()); diff != "" {
			t.Errorf("call times mismatch (-want +got):\n%s", diff)
		}
		if got := s.Status().Interval; got != 200*ms {
			t.Errorf("Status().Interval = %v, want 200ms", got)
		}
	})
}

func TestRunReturnsPromptlyWhenCancelledMidCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		s := mustNew(t, func(context.Context) error { <-release; return nil }, Options{Name: "x", Interval: time.Second, Timeout: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		time.Sleep(10 * time.Millisecond)
		start := time.Now()
		cancel()
		<-done
		if took := time.Since(start); took != 0 {
			t.Errorf("Run took %v to return after cancel, want at once", took)
		}
		close(release)
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	ok := func(context.Context) error { return nil }
	tests := []struct {
		name string
		fn   Func
		opts Options
		want string
	}{
		{"nil func", nil, Options{Name: "a", Interval: time.Second}, `supervise "a": nil func`},
		{"zero interval", ok, Options{Name: "b"}, `supervise "b": interval 0s is not positive`},
		{"negative timeout", ok, Options{Name: "c", Interval: time.Second, Timeout: -1}, `supervise "c": timeout -1ns is negative`},
		{"negative backoff", ok, Options{Name: "d", Interval: time.Second, MaxBackoff: -time.Second}, `supervise "d": max backoff -1s is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.fn, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCallGivingUpAtDeadlineIsStale(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := &recorder{start: time.Now(), script: func(ctx context.Context, n int) error {
			if n == 0 {
				<-ctx.Done() // a well-behaved read that honours its deadline
				return fmt.Errorf("statfs /mnt/nfs: %w", ctx.Err())
			}
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "disk", Interval: time.Second, Timeout: 200 * time.Millisecond})
		stop := run(t, s)
		time.Sleep(500 * time.Millisecond)
		st := s.Status()
		time.Sleep(time.Second)
		stop()
		// The call's return and the deadline race: either way it is stale.
		if st.State != Stale || (st.LastError != "statfs /mnt/nfs: context deadline exceeded" && !strings.Contains(st.LastError, "deadline")) {
			t.Errorf("after the overrun Status() = %+v, want stale", st)
		}
		if st := s.Status(); st.State != OK {
			t.Errorf("after the next call Status() = %+v, want OK", st)
		}
	})
}

func TestLogsOncePerStateChange(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var buf strings.Builder
		var mu sync.Mutex
		logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
		r := &recorder{start: time.Now(), script: func(_ context.Context, n int) error {
			if n < 10 {
				return errors.New("no such file")
			}
			return nil
		}}
		s := mustNew(t, r.fn, Options{Name: "net", Interval: time.Second, MaxBackoff: 2 * time.Second, Logger: logger.With("sensor", "net")})
		stop := run(t, s)
		time.Sleep(30500 * time.Millisecond)
		stop()
		mu.Lock()
		defer mu.Unlock()
		want := "level=WARN msg=failing sensor=net error=\"no such file\" retry_in=1s\n" +
			"level=INFO msg=recovered sensor=net\n"
		if diff := cmp.Diff(want, buf.String()); diff != "" {
			t.Errorf("log mismatch (-want +got):\n%s", diff)
		}
	})
}

type lockedWriter struct {
	w  *strings.Builder
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestEpochAlignsTasks: two tasks on one epoch and interval, one slow to
// warm up and one slow to read, still start their calls at the same
// instants once warm, and a late call is not followed by one right behind.
func TestEpochAlignsTasks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		epoch := time.Now()
		quick := &recorder{start: epoch, script: func(_ context.Context, n int) error {
			if n == 0 {
				return RetryIn(250*time.Millisecond, errors.New("baseline taken"))
			}
			return nil
		}}
		slow := &recorder{start: epoch, script: func(_ context.Context, n int) error {
			switch n {
			case 0:
				time.Sleep(30 * time.Millisecond) // a first pass that reads every process
				return RetryIn(250*time.Millisecond, errors.New("baseline taken"))
			case 3:
				time.Sleep(700 * time.Millisecond) // one slow read
			default:
				time.Sleep(5 * time.Millisecond)
			}
			return nil
		}}
		stop1 := run(t, mustNew(t, quick.fn, Options{Name: "cpu", Interval: time.Second, Epoch: epoch}))
		time.Sleep(7 * time.Millisecond)
		stop2 := run(t, mustNew(t, slow.fn, Options{Name: "processes", Interval: time.Second, Epoch: epoch}))
		time.Sleep(5500 * time.Millisecond)
		stop1()
		stop2()
		s := time.Second
		ms := time.Millisecond
		if diff := cmp.Diff([]time.Duration{0, 250 * ms, s, 2 * s, 3 * s, 4 * s, 5 * s}, quick.calls()); diff != "" {
			t.Errorf("quick task's calls (-want +got):\n%s", diff)
		}
		// The slow read at 3 s ends at 3.7 s: the next grid point at least
		// half an interval on is 4 s, not 3.7 s.
		if diff := cmp.Diff([]time.Duration{7 * ms, 287 * ms, s, 2 * s, 3 * s, 4 * s, 5 * s}, slow.calls()); diff != "" {
			t.Errorf("slow task's calls (-want +got):\n%s", diff)
		}
	})
}

// TestHugeIntervalSleeps: an interval near the largest Duration (what
// --interval 2000000h asks for) waits for its next call, on the epoch's grid
// or off it, healthy or failing, instead of overflowing into the past and
// calling again at once.
func TestHugeIntervalSleeps(t *testing.T) {
	t.Parallel()
	huge := 2000000 * time.Hour
	for _, tt := range []struct {
		name string
		err  error
		grid bool
	}{
		{"on the grid", nil, true},
		{"own phase", nil, false},
		{"failing", errors.New("no such file"), true},
		{"retry", RetryIn(huge, errors.New("baseline taken")), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				r := &recorder{start: time.Now(), script: func(context.Context, int) error {
					time.Sleep(time.Millisecond)
					return tt.err
				}}
				opts := Options{Name: "cpu", Interval: huge}
				if tt.grid {
					opts.Epoch = time.Now()
				}
				s := mustNew(t, r.fn, opts)
				stop := run(t, s)
				time.Sleep(3 * time.Second)
				if n := len(r.calls()); n != 1 {
					stop()
					time.Sleep(time.Second) // let the call in flight end in the bubble
					t.Fatalf("%d calls in 3s at interval %v, want 1", n, huge)
				}
				s.SetInterval(huge) // re-planned from the last call
				time.Sleep(24 * time.Hour)
				stop()
				if diff := cmp.Diff([]time.Duration{0}, r.calls()); diff != "" {
					t.Errorf("calls in a day at interval %v (-want +got):\n%s", huge, diff)
				}
			})
		})
	}
}

func TestNextOnGrid(t *testing.T) {
	t.Parallel()
	epoch := time.Unix(1000, 0)
	s, ms := time.Second, time.Millisecond
	for _, tt := range []struct {
		after time.Duration
		want  time.Duration
	}{
		{0, 0}, {-5 * s, 0}, {1 * ms, s}, {s, s}, {s + ms, 2 * s}, {2500 * ms, 3 * s},
	} {
		if got := NextOnGrid(epoch, epoch.Add(tt.after), s).Sub(epoch); got != tt.want {
			t.Errorf("NextOnGrid(epoch, epoch%+v, 1s) = epoch+%v, want epoch+%v", tt.after, got, tt.want)
		}
	}
	// Half an interval on from a call, as the supervisor asks, with the
	// largest intervals: the next point is ahead, never wrapped behind.
	for _, interval := range []time.Duration{2000000 * time.Hour, math.MaxInt64, math.MaxInt64 - 1} {
		t0 := epoch.Add(3 * s).Add(interval / 2)
		if got := NextOnGrid(epoch, t0, interval); got.Sub(epoch) != interval {
			t.Errorf("NextOnGrid(epoch, epoch+3s+%v/2, %v) = epoch+%v, want epoch+%v", interval, interval, got.Sub(epoch), interval)
		}
	}
}
