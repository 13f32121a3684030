package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
)

// fake is a scripted sensor: read decides what its n-th read does.
type fake struct {
	name  string
	calls atomic.Int64
	read  func(ctx context.Context, now time.Time, n int) (reading.Reading, error)
}

func (f *fake) Name() string { return f.name }

func (f *fake) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	n := int(f.calls.Add(1)) - 1
	return f.read(ctx, now, n)
}

// seqReading carries its read number as the primary value, so tests can
// check order and values.
func seqReading(name string, now time.Time, n int) reading.Reading {
	return reading.Reading{Sensor: name, Time: now, Primary: reading.CPUUsage,
		Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: float64(n), Unit: reading.Percent}}}
}

func steadySensor(name string) *fake {
	return &fake{name: name, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
		return seqReading(name, now, n), nil
	}}
}

// collector drains a subscription into a slice until it is closed.
type collector struct {
	mu   sync.Mutex
	got  []reading.Reading
	done chan struct{}
}

func collect(s *Subscription) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for r := range s.C {
			c.mu.Lock()
			c.got = append(c.got, r)
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) of(sensor string) []reading.Reading {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []reading.Reading
	for _, r := range c.got {
		if r.Sensor == sensor {
			out = append(out, r)
		}
	}
	return out
}

// start runs e and returns a stop that cancels it, waits for Run and
// reports how long shutdown took.
func start(t *testing.T, e *Engine) (stop func() time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	return func() time.Duration {
		begin := time.Now()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		return time.Since(begin)
	}
}

func mustNew(t *testing.T, opts Options) *Engine {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func health(e *Engine, name string) reading.SensorHealth {
	for _, s := range e.Health().Sensors {
		if s.Name == name {
			return s
		}
	}
	return reading.SensorHealth{}
}

func TestAnalysedStream(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		values := []float64{50, 95, 91, 40}
		cpu := &fake{name: reading.SensorCPU, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			r := seqReading(reading.SensorCPU, now, n)
			r.Metrics[0].Value = values[min(n, len(values)-1)]
			r.Status = reading.Critical // a sensor's own verdict is ignored
			return r, nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: cpu, Interval: time.Second}}, Rules: rule.Defaults(), SelfInterval: -1})
		c := collect(e.Subscribe("test", 16))
		stop := start(t, e)
		time.Sleep(3500 * time.Millisecond)
		stop()
		<-c.done
		var got []string
		for _, r := range c.of(reading.SensorCPU) {
			line := r.Status.String()
			for _, tr := range r.Transitions {
				line += " " + tr.From.String() + ">" + tr.To.String()
			}
			got = append(got, line)
		}
		want := []string{"normal", "critical normal>critical", "critical", "normal critical>normal"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
		if h := e.Health(); h.Readings != 4 || h.Started.IsZero() {
			t.Errorf("Health() = %+v, want 4 readings and a start time", h)
		}
	})
}

func TestPanickingSensorIsRestarted(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		temp := &fake{name: reading.SensorTemperature, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			if n == 1 || n == 2 {
				panic(fmt.Sprintf("index out of range [%d]", n))
			}
			return seqReading(reading.SensorTemperature, now, n), nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: temp, Interval: time.Second}}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 16))
		stop := start(t, e)
		time.Sleep(6500 * time.Millisecond) // reads at 0, 1 (panic), 2 (panic), 4, 5, 6
		stop()
		<-c.done
		var got []string
		for _, r := range c.of(reading.SensorTemperature) {
			if r.Err != "" {
				got = append(got, "err: "+r.Err)
			} else {
				got = append(got, fmt.Sprint(r.Metrics[0].Value))
			}
		}
		want := []string{"0", "err: panic: index out of range [1]", "3", "4", "5"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("readings mismatch (-want +got):\n%s", diff)
		}
		if h := health(e, reading.SensorTemperature); h.Restarts != 2 || h.Failures != 2 || h.Stale {
			t.Errorf("health %+v, want 2 restarts, 2 failures, not stale", h)
		}
	})
}

func TestHangingSensorIsStaleWhileOthersRun(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		disk := &fake{name: reading.SensorDisk, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			if n == 1 {
				<-release // statfs on a dead NFS mount: ignores ctx
			}
			return seqReading(reading.SensorDisk, now, n), nil
		}}
		cpu := steadySensor(reading.SensorCPU)
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: disk, Interval: time.Second, Timeout: 300 * time.Millisecond}, {Sensor: cpu, Interval: time.Second}},
			ReadTimeout: 900 * time.Millisecond, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(10500 * time.Millisecond)
		if h := health(e, reading.SensorDisk); !h.Stale || !strings.Contains(h.LastError, "deadline") {
			t.Errorf("disk health %+v, want stale naming the deadline", h)
		}
		if h := health(e, reading.SensorCPU); h.Stale || h.Failures != 0 {
			t.Errorf("cpu health %+v, want fine", h)
		}
		if got := len(c.of(reading.SensorCPU)); got != 11 {
			t.Errorf("cpu gave %d readings while disk hung, want 11", got)
		}
		// Shutdown does not wait for the hung read.
		if took := stop(); took > 2*time.Second {
			t.Errorf("shutdown took %v with a hung sensor, want under 2s", took)
		}
		<-c.done
		var errs []string
		for _, r := range c.of(reading.SensorDisk) {
			if r.Err != "" {
				errs = append(errs, r.Err)
				if r.Status != reading.Unknown || len(r.Metrics) != 0 {
					t.Errorf("error reading %+v, want unknown with no metrics", r)
				}
			}
		}
		want := []string{"stale: call overran its deadline and was abandoned (300ms)"}
		if diff := cmp.Diff(want, errs); diff != "" {
			t.Errorf("disk error readings mismatch (-want +got), one per state change:\n%s", diff)
		}
		close(release)
	})
}

// patientFake is a fake whose reads may take ReadDeadline.
type patientFake struct {
	*fake
	deadline time.Duration
}

func (p patientFake) ReadDeadline(time.Duration) time.Duration { return p.deadline }

// TestPatientSensorSlowPassIsDelivered: a pass of a Patient sensor that
// takes three intervals is delivered, late, and the sensor is never shown
// stale; the same pass from a sensor held to one interval is abandoned
// and lost.
func TestPatientSensorSlowPassIsDelivered(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		slow := func(name string) *fake {
			return &fake{name: name, read: func(ctx context.Context, now time.Time, n int) (reading.Reading, error) {
				if n == 0 {
					select { // a big table on a busy machine, heeding ctx
					case <-time.After(3 * time.Second):
					case <-ctx.Done():
						return reading.Reading{}, ctx.Err()
					}
				}
				return seqReading(name, now, n), nil
			}}
		}
		procs := patientFake{slow(reading.SensorProcesses), 5 * time.Second}
		cgroups := slow(reading.SensorCgroups)
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: procs, Interval: time.Second}, {Sensor: cgroups, Interval: time.Second}},
			SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(3500 * time.Millisecond)
		if h := health(e, reading.SensorProcesses); h.Stale || h.Failures != 0 {
			t.Errorf("patient sensor's health %+v during a pass of three intervals, want fine", h)
		}
		time.Sleep(2 * time.Second)
		stop()
		<-c.done
		first := func(rs []reading.Reading) (n float64, err string) {
			switch {
			case len(rs) == 0:
				return -1, "no reading"
			case len(rs[0].Metrics) == 0:
				return -1, rs[0].Err
			}
			return rs[0].Metrics[0].Value, rs[0].Err
		}
		if n, err := first(c.of(reading.SensorProcesses)); n != 0 || err != "" {
			t.Errorf("patient sensor's first reading is read %v (%q), want the slow pass 0", n, err)
		}
		if n, err := first(c.of(reading.SensorCgroups)); err == "" {
			t.Errorf("impatient sensor's first reading is read %v with no error, want the abandoned pass's error", n)
		}
	})
}

func TestFailingSensorReportsOncePerStateChange(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		net := &fake{name: reading.SensorNetwork, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			if n >= 1 && n <= 4 {
				return reading.Reading{}, errors.New("open /proc/net/dev: permission denied")
			}
			return seqReading(reading.SensorNetwork, now, n), nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: net, Interval: time.Second}}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(5 * time.Second)
		if h := health(e, reading.SensorNetwork); h.LastError != "open /proc/net/dev: permission denied" || h.Stale {
			t.Errorf("while failing, health %+v, want the error and not stale", h)
		}
		time.Sleep(35 * time.Second)
		stop()
		<-c.done
		var got []string
		for _, r := range c.of(reading.SensorNetwork) {
			got = append(got, r.Err)
		}
		if len(got) < 3 || got[0] != "" || got[1] != "open /proc/net/dev: permission denied" || got[2] != "" {
			t.Errorf("readings' errors = %q, want one error reading between good ones", got)
		}
		for _, g := range got[2:] {
			if g != "" {
				t.Errorf("a second error reading %q for the same failing state", g)
			}
		}
		if h := health(e, reading.SensorNetwork); h.Failures != 4 || h.LastError != "" {
			t.Errorf("health %+v, want 4 failures and no error now that it reads again", h)
		}
	})
}

func TestWarmupReadsAgainSoon(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		begin := time.Now()
		cpu := &fake{name: reading.SensorCPU, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			if n == 0 {
				return reading.Reading{}, sensor.ErrWarmup
			}
			return seqReading(reading.SensorCPU, now, n), nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: cpu}}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 16))
		stop := start(t, e)
		time.Sleep(time.Second)
		stop()
		<-c.done
		got := c.of(reading.SensorCPU)
		if len(got) != 1 || got[0].Time.Sub(begin) != sensor.WarmupDelay || got[0].Err != "" {
			t.Errorf("readings %+v, want one good reading %v after start", got, sensor.WarmupDelay)
		}
		if h := health(e, reading.SensorCPU); h.Failures != 0 || h.Interval != sensor.DefaultInterval(reading.SensorCPU) {
			t.Errorf("health %+v, want no failures and cpu's default interval", h)
		}
	})
}

func TestStalledSubscriberBlocksNothing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := mustNew(t, Options{Sensors: []SensorSpec{
			{Sensor: steadySensor(reading.SensorCPU), Interval: 100 * time.Millisecond},
			{Sensor: steadySensor(reading.SensorMemory), Interval: 100 * time.Millisecond},
		}, SelfInterval: -1})
		stalled := e.Subscribe("stalled", 4) // never read
		c := collect(e.Subscribe("live", 1024))
		stop := start(t, e)
		time.Sleep(10050 * time.Millisecond)
		if took := stop(); took > 2*time.Second {
			t.Errorf("shutdown took %v with a stalled output", took)
		}
		<-c.done
		for _, name := range []string{reading.SensorCPU, reading.SensorMemory} {
			got := c.of(name)
			if len(got) != 101 {
				t.Errorf("live output got %d %s readings, want 101", len(got), name)
			}
		}
		if got := stalled.Dropped(); got != 202-4 {
			t.Errorf("stalled output dropped %d, want %d", got, 202-4)
		}
		// The stalled output kept the freshest readings.
		var kept []float64
		for r := range stalled.C {
			kept = append(kept, r.Metrics[0].Value)
		}
		if diff := cmp.Diff([]float64{99, 99, 100, 100}, kept); diff != "" {
			t.Errorf("stalled output kept (-want +got):\n%s", diff)
		}
		h := e.Health()
		want := []reading.OutputHealth{{Name: "stalled", Buffered: 0, Dropped: 198}, {Name: "live", Buffered: 0, Dropped: 0}}
		if diff := cmp.Diff(want, h.Outputs); diff != "" {
			t.Errorf("Health().Outputs mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestOrderPerSensorWithWorkers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var specs []SensorSpec
		names := []string{reading.SensorCPU, reading.SensorMemory, reading.SensorLoad, reading.SensorDisk, reading.SensorNetwork}
		for _, n := range names {
			specs = append(specs, SensorSpec{Sensor: steadySensor(n), Interval: 10 * time.Millisecond})
		}
		// A varying analysis time reorders readings unless each sensor is
		// kept to one analyser.
		var calls atomic.Int64
		slow := func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
			time.Sleep(time.Duration(calls.Add(1)%7) * time.Millisecond)
			return ev.Eval(r, now)
		}
		e := mustNew(t, Options{Sensors: specs, Workers: 3, QueueSize: 4096, SelfInterval: -1, analyse: slow})
		c := collect(e.Subscribe("test", 8192))
		stop := start(t, e)
		time.Sleep(5 * time.Second)
		stop()
		<-c.done
		for _, n := range names {
			got := c.of(n)
			if len(got) < 400 {
				t.Errorf("%s: only %d readings", n, len(got))
			}
			for _, r := range got {
				if r.Err != "" {
					t.Fatalf("%s: error reading %q", n, r.Err)
				}
			}
			for i := 1; i < len(got); i++ {
				if got[i].Metrics[0].Value <= got[i-1].Metrics[0].Value {
					t.Fatalf("%s: reading %v delivered after %v", n, got[i].Metrics[0].Value, got[i-1].Metrics[0].Value)
				}
			}
		}
	})
}

func TestShutdownDrainsQueue(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Analysis takes 5 ms; 100 readings wait in the queue at shutdown.
		slow := func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
			time.Sleep(5 * time.Millisecond)
			return ev.Eval(r, now)
		}
		e := mustNew(t, Options{Workers: 1, QueueSize: 1000, SelfInterval: -1, analyse: slow})
		c := collect(e.Subscribe("test", 1000))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		synctest.Wait()
		for i := range 100 {
			e.push(0, seqReading(reading.SensorCPU, time.Now(), i))
		}
		begin := time.Now()
		cancel()
		<-done
		if took := time.Since(begin); took > 2*time.Second {
			t.Errorf("shutdown took %v, want under 2s", took)
		}
		<-c.done
		if got := len(c.of(reading.SensorCPU)); got != 100 {
			t.Errorf("%d of 100 queued readings delivered at shutdown", got)
		}
		if _, ok := <-e.Subscribe("late", 1).C; ok {
			t.Errorf("a subscription after Run ended got an open channel")
		}
		if err := e.Run(t.Context()); err == nil {
			t.Errorf("a second Run returned no error")
		}
	})
}

func TestAnalysisOverrun(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The analysis of read 1 takes 1.5 s, past the 500 ms deadline.
		slow := func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
			if r.Metrics[0].Value == 95 {
				time.Sleep(1500 * time.Millisecond)
			}
			return ev.Eval(r, now)
		}
		values := []float64{10, 95, 96, 97, 97}
		cpu := &fake{name: reading.SensorCPU, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			r := seqReading(reading.SensorCPU, now, n)
			r.Metrics[0].Value = values[min(n, len(values)-1)]
			return r, nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: cpu, Interval: time.Second}}, Rules: rule.Defaults(),
			AnalysisTimeout: 500 * time.Millisecond, SelfInterval: -1, analyse: slow})
		c := collect(e.Subscribe("test", 16))
		stop := start(t, e)
		time.Sleep(4200 * time.Millisecond)
		stop()
		<-c.done
		var got []string
		for _, r := range c.of(reading.SensorCPU) {
			line := fmt.Sprintf("%v %v", r.Metrics[0].Value, r.Status)
			for _, tr := range r.Transitions {
				line += " " + tr.From.String() + ">" + tr.To.String()
			}
			got = append(got, line)
		}
		// 95 overruns (unknown) at 1.5 s; at 2 s the late analysis has not
		// returned yet (2.5 s), so 96 is unknown too; at 3 s the raise of the
		// late analysis rides on 97.
		want := []string{"10 normal", "95 unknown", "96 unknown", "97 critical normal>critical", "97 critical"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("analysed readings mismatch (-want +got):\n%s", diff)
		}
		if got := e.Health().AnalysisOverruns; got != 2 {
			t.Errorf("AnalysisOverruns = %d, want 2", got)
		}
	})
}

func TestSelfReading(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: steadySensor(reading.SensorCPU), Interval: time.Second}}})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(4500 * time.Millisecond)
		stop()
		<-c.done
		self := c.of(reading.SensorSelf)
		if len(self) != 2 {
			t.Fatalf("%d self readings in 4.5 s, want 2", len(self))
		}
		r := self[1]
		if r.Status != reading.Normal || r.Primary != reading.SelfCPU {
			t.Errorf("self reading status %v primary %q, want normal, %q", r.Status, r.Primary, reading.SelfCPU)
		}
		var names []string
		for _, m := range r.Metrics {
			names = append(names, m.Name+m.Label("sensor"))
		}
		want := []string{reading.SelfCPU, reading.SelfRSS, reading.SelfGoroutines, reading.SelfReadSeconds + "cpu", reading.SelfQueueLen, reading.SelfDropped}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("self metrics mismatch (-want +got):\n%s", diff)
		}
		if rss, _ := r.Value(reading.SelfRSS); rss < 1<<20 {
			t.Errorf("self RSS %v bytes, want at least 1 MiB", rss)
		}
		if g, _ := r.Value(reading.SelfGoroutines); g < 3 {
			t.Errorf("self goroutines %v, want at least 3", g)
		}
	})
}

func TestSetInterval(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: steadySensor(reading.SensorMemory)}}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(2100 * time.Millisecond) // reads at 0, 2
		e.SetInterval(250 * time.Millisecond)
		time.Sleep(time.Second) // 2.25, 2.5, 2.75, 3.0
		stop()
		<-c.done
		if got := len(c.of(reading.SensorMemory)); got != 6 {
			t.Errorf("%d readings, want 6", got)
		}
		if h := health(e, reading.SensorMemory); h.Interval != 250*time.Millisecond {
			t.Errorf("interval %v, want 250ms", h.Interval)
		}
	})
}

// TestHugeIntervalSleeps: a sensor at an interval near the largest Duration
// (--interval 2000000h) reads once and then waits, rather than wrap its grid
// arithmetic into the past and read in a loop. (The self reading's clock uses
// the same supervise.NextOnGrid; looping, it would not let a bubble's time
// advance at all, so it is covered by that function's test.)
func TestHugeIntervalSleeps(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		huge := 2000000 * time.Hour
		cpu := &fake{name: reading.SensorCPU, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			time.Sleep(time.Millisecond) // lets a looping supervisor reach the end of the test
			return seqReading(reading.SensorCPU, now, n), nil
		}}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: cpu, Interval: huge}}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(3 * time.Second)
		stop()
		<-c.done
		time.Sleep(time.Second) // a read in flight ends inside the bubble
		if got := len(c.of(reading.SensorCPU)); got != 1 {
			t.Errorf("%d readings in 3s at interval %v, want 1", got, huge)
		}
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	cpu := steadySensor(reading.SensorCPU)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"negative workers", Options{Workers: -1}, "engine: workers -1 is negative"},
		{"negative queue", Options{QueueSize: -2}, "engine: queue size -2 is negative"},
		{"negative read timeout", Options{ReadTimeout: -time.Second}, "engine: read timeout -1s is negative"},
		{"negative analysis timeout", Options{AnalysisTimeout: -time.Second}, "engine: analysis timeout -1s is negative"},
		{"nil sensor", Options{Sensors: []SensorSpec{{}}}, "engine: sensor 1 is nil"},
		{"duplicate sensor", Options{Sensors: []SensorSpec{{Sensor: cpu}, {Sensor: cpu}}}, `engine: sensor "cpu" given twice`},
		{"sensor named self", Options{Sensors: []SensorSpec{{Sensor: steadySensor("self")}}}, `engine: sensor 1 is named "self", which the engine's own reading uses`},
		{"negative interval", Options{Sensors: []SensorSpec{{Sensor: cpu, Interval: -time.Second}}}, `engine: sensor "cpu": interval -1s is negative`},
		{"negative sensor timeout", Options{Sensors: []SensorSpec{{Sensor: cpu, Timeout: -time.Second}}}, `engine: sensor "cpu": timeout -1s is negative`},
		{"bad rule", Options{Rules: []rule.Rule{{Name: "x", Metric: "cpu.usge", Warning: 1, Critical: 2}}}, `engine: rule 1: rule "x": unknown metric "cpu.usge" (docs/metrics.md lists them)`},
		{"duplicate rule", Options{Rules: append(rule.Defaults(), rule.Defaults()[0])}, `engine: rule 7: name "cpu_high" already used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseStatmRSS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   uint64
		wantOK bool
	}{
		{"5859 1234 567 1 0 2045 0\n", 1234 * 4096, true},
		{"", 0, false},
		{"5859", 0, false},
		{"5859 x", 0, false},
		{"1 99999999999999999999", 0, false},
		{"1 9223372036854775807", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseStatmRSS([]byte(tt.in), 4096)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseStatmRSS(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func FuzzParseStatmRSS(f *testing.F) {
	f.Add([]byte("5859 1234 567 1 0 2045 0\n"))
	f.Add([]byte("1 18446744073709551615"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := parseStatmRSS(b, 4096); !ok && v != 0 {
			t.Errorf("parseStatmRSS(%q) = %d with ok false", b, v)
		}
	})
}

func TestAnalysisPanicGivesUnknown(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		broken := func(ev *rule.Evaluator, r reading.Reading, now time.Time) (reading.Status, []reading.Transition) {
			if r.Metrics[0].Value == 1 {
				panic("rule bug")
			}
			return ev.Eval(r, now)
		}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: steadySensor(reading.SensorCPU), Interval: time.Second}},
			Rules: rule.Defaults(), SelfInterval: -1, analyse: broken})
		c := collect(e.Subscribe("test", 16))
		stop := start(t, e)
		time.Sleep(2500 * time.Millisecond)
		stop()
		<-c.done
		var got []reading.Status
		for _, r := range c.of(reading.SensorCPU) {
			got = append(got, r.Status)
		}
		if diff := cmp.Diff([]reading.Status{reading.Normal, reading.Unknown, reading.Normal}, got); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestAbsentAlertForALoneFailedSensor: a sensor that fails sends one error
// reading and falls silent. Alone on its analyser, with the self reading
// off, nothing else reaches that worker, yet its absent alert must still be
// raised once For has run out, on an error reading of its own.
func TestAbsentAlertForALoneFailedSensor(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		disk := &fake{name: reading.SensorDisk, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			if n >= 1 {
				return reading.Reading{}, errors.New("statfs /: input/output error")
			}
			return seqReading(reading.SensorDisk, now, n), nil
		}}
		down := rule.Rule{Name: "disk_down", Kind: rule.Absent, Sensor: reading.SensorDisk, For: 10 * time.Second, Severity: reading.Critical}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: disk, Interval: time.Second}}, Rules: []rule.Rule{down}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(8 * time.Second)
		for _, r := range c.of(reading.SensorDisk) {
			if len(r.Transitions) > 0 {
				t.Fatalf("alert raised before For ran out: %+v", r.Transitions)
			}
		}
		time.Sleep(6 * time.Second)
		stop()
		<-c.done
		var raised []reading.Reading
		for _, r := range c.of(reading.SensorDisk) {
			if len(r.Transitions) > 0 {
				raised = append(raised, r)
			}
		}
		if len(raised) != 1 {
			t.Fatalf("readings with transitions: %+v, want one", raised)
		}
		r := raised[0]
		tr := r.Transitions[0]
		if r.Err != "statfs /: input/output error" || tr.Rule != "disk_down" || tr.To != reading.Critical || tr.Sensor != reading.SensorDisk {
			t.Errorf("carrier %+v with %+v, want disk's error reading raising disk_down to critical", r, tr)
		}
		if !strings.Contains(tr.Message, "input/output error") {
			t.Errorf("message %q does not say why", tr.Message)
		}
	})
}
