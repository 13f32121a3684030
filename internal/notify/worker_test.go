package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// recorder is a Sender that keeps what it is given, and fails or hangs
// when told to.
type recorder struct {
	mu    sync.Mutex
	sent  []sentMsg
	fail  func(call int) error // nil: succeed
	hang  bool                 // wait for ctx
	calls int
}

type sentMsg struct {
	At     time.Duration // since the bubble's start
	Events []string      // rule:event:severity
}

func (r *recorder) Send(ctx context.Context, m Message) error {
	r.mu.Lock()
	r.calls++
	call := r.calls
	r.mu.Unlock()
	if r.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if r.fail != nil {
		if err := r.fail(call); err != nil {
			return err
		}
	}
	s := sentMsg{At: time.Since(epoch)}
	for _, a := range m.Alerts {
		s.Events = append(s.Events, a.Rule+":"+string(a.Event)+":"+a.Severity.String())
	}
	r.mu.Lock()
	r.sent = append(r.sent, s)
	r.mu.Unlock()
	return nil
}

func (r *recorder) messages() []sentMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentMsg(nil), r.sent...)
}

// epoch is the start of every synctest bubble.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func tr(rule string, from, to reading.Status) reading.Transition {
	now := time.Now()
	return reading.Transition{Rule: rule, Sensor: reading.SensorCPU, Metric: reading.CPUUsage, From: from, To: to, Value: 97, Threshold: 90, Time: now, Since: now}
}

type harness struct {
	in     chan reading.Reading
	cancel context.CancelFunc
	done   chan error
}

// start runs a dispatcher over the given workers inside a bubble.
func start(t *testing.T, ws ...*worker) (*Dispatcher, *harness) {
	t.Helper()
	d := &Dispatcher{host: "h1", log: slog.New(slog.DiscardHandler), flush: finalFlush}
	d.workers.Store(&ws)
	ctx, cancel := context.WithCancel(t.Context())
	h := &harness{in: make(chan reading.Reading), cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- d.Run(ctx, h.in) }()
	return d, h
}

// at sends transitions at offset since the bubble's start.
func (h *harness) at(offset time.Duration, ts ...reading.Transition) {
	time.Sleep(time.Until(epoch.Add(offset)))
	for i := range ts {
		ts[i].Time, ts[i].Since = time.Now(), time.Now()
	}
	h.in <- reading.Reading{Sensor: reading.SensorCPU, Time: time.Now(), Transitions: ts}
	synctest.Wait()
}

func (h *harness) stop(t *testing.T) {
	t.Helper()
	close(h.in)
	if err := <-h.done; err != nil {
		t.Errorf("Run = %v", err)
	}
	h.cancel()
}

func testWorker(name string, s Sender, groupWait, groupInterval, repeat time.Duration) *worker {
	n := config.Notifier{Name: name, Type: "test", GroupWait: groupWait, GroupInterval: groupInterval, RepeatInterval: repeat, MinSeverity: reading.Warning, SendResolved: true}
	return newWorker(n, s, 16, "h1", slog.New(slog.DiscardHandler))
}

func TestGroupingCollapsesFlapping(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		d, h := start(t, testWorker("hook", rec, 10*time.Second, time.Minute, 0))
		h.at(0, tr("cpu", reading.Normal, reading.Warning))
		h.at(2*time.Second, tr("load", reading.Normal, reading.Critical))
		// Flapping every 5 s for two minutes: 24 transitions.
		for i := 3; i < 27; i++ {
			if i%2 == 1 {
				h.at(time.Duration(i*5+1)*time.Second, tr("cpu", reading.Warning, reading.Normal))
			} else {
				h.at(time.Duration(i*5+1)*time.Second, tr("cpu", reading.Normal, reading.Warning))
			}
		}
		h.at(150*time.Second, tr("load", reading.Critical, reading.Normal))
		time.Sleep(5 * time.Minute)
		want := []sentMsg{
			{At: 10 * time.Second, Events: []string{"cpu:raised:warning", "load:raised:critical"}},
			{At: 70 * time.Second, Events: []string{"cpu:resolved:warning"}},
			// Raised at 71 s and resolved again at 126 s, before the
			// group interval let it out: suppressed.
			{At: 141 * time.Second, Events: []string{"cpu:raised:warning"}},
			{At: 201 * time.Second, Events: []string{"load:resolved:critical"}},
		}
		if diff := cmp.Diff(want, rec.messages()); diff != "" {
			t.Errorf("messages mismatch (-want +got):\n%s", diff)
		}
		h.stop(t)
		hs := d.Health()
		if hs[0].Sent != 4 || hs[0].Failed != 0 || hs[0].Firing != 1 || hs[0].Suppressed != 1 {
			t.Errorf("health = %+v, want 4 sent, 1 firing, 1 suppressed", hs[0])
		}
	})
}

func TestRiseAndFallWithinGroupWaitIsSuppressed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		d, h := start(t, testWorker("hook", rec, 10*time.Second, time.Minute, time.Hour))
		h.at(0, tr("cpu", reading.Normal, reading.Critical))
		h.at(4*time.Second, tr("cpu", reading.Critical, reading.Normal))
		time.Sleep(3 * time.Hour)
		if got := rec.messages(); len(got) != 0 {
			t.Errorf("sent %v, want nothing for an alert that ended within group_wait", got)
		}
		h.stop(t)
		if hs := d.Health(); hs[0].Suppressed != 1 || hs[0].Sent != 0 {
			t.Errorf("health = %+v, want 1 suppressed, 0 sent", hs[0])
		}
	})
}

func TestRepeatWhileFiring(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		_, h := start(t, testWorker("am", rec, 0, 0, time.Minute))
		h.at(0, tr("cpu", reading.Normal, reading.Warning))
		h.at(90*time.Second, tr("cpu", reading.Warning, reading.Critical))
		h.at(200*time.Second, tr("cpu", reading.Critical, reading.Normal))
		time.Sleep(10 * time.Minute)
		want := []sentMsg{
			{At: 0, Events: []string{"cpu:raised:warning"}},
			{At: 60 * time.Second, Events: []string{"cpu:repeat:warning"}},
			{At: 90 * time.Second, Events: []string{"cpu:escalated:critical"}},
			{At: 150 * time.Second, Events: []string{"cpu:repeat:critical"}},
			{At: 200 * time.Second, Events: []string{"cpu:resolved:critical"}},
		}
		if diff := cmp.Diff(want, rec.messages()); diff != "" {
			t.Errorf("messages mismatch (-want +got):\n%s", diff)
		}
		h.stop(t)
	})
}

func TestMinSeverity(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		w := testWorker("pager", rec, 0, 0, 0)
		w.pol.minSeverity = reading.Critical
		_, h := start(t, w)
		h.at(0, tr("cpu", reading.Normal, reading.Warning))
		h.at(10*time.Second, tr("cpu", reading.Warning, reading.Critical))
		h.at(20*time.Second, tr("cpu", reading.Critical, reading.Warning))
		h.at(30*time.Second, tr("cpu", reading.Warning, reading.Normal))
		time.Sleep(time.Minute)
		want := []sentMsg{
			{At: 10 * time.Second, Events: []string{"cpu:raised:critical"}},
			// No longer critical: over, for a critical-only receiver.
			{At: 20 * time.Second, Events: []string{"cpu:lowered:warning"}},
		}
		if diff := cmp.Diff(want, rec.messages()); diff != "" {
			t.Errorf("messages mismatch (-want +got):\n%s", diff)
		}
		h.stop(t)
	})
}

func TestFailedDeliveryIsRetriedLater(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{fail: func(call int) error {
			if call <= 2 {
				return errors.New("POST http://x: 503 Service Unavailable")
			}
			return nil
		}}
		d, h := start(t, testWorker("hook", rec, 0, 0, 0))
		h.at(0, tr("cpu", reading.Normal, reading.Warning))
		time.Sleep(time.Second)
		hs := d.Health()[0]
		if hs.Failed != 1 || hs.LastError != "POST http://x: 503 Service Unavailable" || !hs.LastFailed.Equal(epoch) {
			t.Errorf("after first failure, health = %+v", hs)
		}
		time.Sleep(time.Minute)
		// Failures back off 10 s, then 20 s.
		want := []sentMsg{{At: 30 * time.Second, Events: []string{"cpu:raised:warning"}}}
		if diff := cmp.Diff(want, rec.messages()); diff != "" {
			t.Errorf("messages mismatch (-want +got):\n%s", diff)
		}
		h.stop(t)
		if hs := d.Health()[0]; hs.Failed != 2 || hs.Sent != 1 || hs.Firing != 1 {
			t.Errorf("health = %+v, want 2 failed, 1 sent, 1 firing", hs)
		}
	})
}

// TestHangingNotifierBlocksNobody checks that a receiver that never answers
// delays neither the readings' producer nor the other notifiers, and that
// what it cannot take is dropped and counted.
func TestHangingNotifierBlocksNobody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		stuck, ok := &recorder{hang: true}, &recorder{}
		d, h := start(t, testWorker("stuck", stuck, 0, 0, 0), testWorker("ok", ok, 0, 0, 0))
		for i := range 100 {
			rule := "r" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			// h.at would block here if a notifier held up Run.
			h.at(time.Duration(i)*time.Second, tr(rule, reading.Normal, reading.Warning))
		}
		if got := len(ok.messages()); got != 100 {
			t.Errorf("healthy notifier got %d messages, want 100", got)
		}
		hs := d.Health()
		if hs[0].Dropped == 0 || hs[0].Queued != 16 {
			t.Errorf("stuck notifier health = %+v, want drops and a full queue of 16", hs[0])
		}
		start := time.Now()
		h.stop(t)
		// Run's context is still live; the stuck notifier's final flush is
		// bounded by finalFlush alone.
		if took := time.Since(start); took > 2*finalFlush {
			t.Errorf("shutdown took %v with a hanging notifier", took)
		}
	})
}

func TestShutdownSendsPending(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		_, h := start(t, testWorker("hook", rec, 30*time.Second, time.Minute, 0))
		h.at(0, tr("cpu", reading.Normal, reading.Critical))
		h.stop(t)
		want := []sentMsg{{At: 0, Events: []string{"cpu:raised:critical"}}}
		if diff := cmp.Diff(want, rec.messages()); diff != "" {
			t.Errorf("messages mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestAlertOf(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(5 * time.Minute)
	labels := []reading.Label{{Name: "mountpoint", Value: "/"}}
	base := reading.Transition{Rule: "disk", Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent, Labels: labels, Value: 91, Threshold: 90, Time: t1, Since: t0}
	with := func(from, to reading.Status) reading.Transition { x := base; x.From, x.To = from, to; return x }
	fp := fingerprint("disk", reading.SensorDisk, reading.FSUsedPercent, labels)
	alert := func(ev Event, sev reading.Status, ends time.Time) Alert {
		return Alert{Fingerprint: fp, Event: ev, Rule: "disk", Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent, Labels: labels, Severity: sev, Value: 91, Threshold: 90, StartsAt: t0, EndsAt: ends, Time: t1}
	}
	tests := []struct {
		name   string
		in     reading.Transition
		want   Alert
		wantOK bool
	}{
		{"raised", with(reading.Normal, reading.Warning), alert(Raised, reading.Warning, time.Time{}), true},
		{"raised from unknown", with(reading.Unknown, reading.Critical), alert(Raised, reading.Critical, time.Time{}), true},
		{"escalated", with(reading.Warning, reading.Critical), alert(Escalated, reading.Critical, time.Time{}), true},
		{"lowered", with(reading.Critical, reading.Warning), alert(Lowered, reading.Warning, time.Time{}), true},
		{"resolved", with(reading.Critical, reading.Normal), alert(Resolved, reading.Critical, t1), true},
		{"to unknown", with(reading.Warning, reading.Unknown), Alert{}, false},
		{"normal to normal", with(reading.Unknown, reading.Normal), Alert{}, false},
	}
	for _, tt := range tests {
		got, ok := alertOf(tt.in)
		if ok != tt.wantOK {
			t.Errorf("%s: alertOf ok = %v, want %v", tt.name, ok, tt.wantOK)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: alertOf mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	other := fingerprint("disk", reading.SensorDisk, reading.FSUsedPercent, []reading.Label{{Name: "mountpoint", Value: "/home"}})
	if other == fp {
		t.Errorf("two filesystems share fingerprint %s", fp)
	}
}

func TestTestAlert(t *testing.T) {
	t.Parallel()
	ok, bad := &recorder{}, &recorder{fail: func(int) error { return errors.New("refused") }}
	d := &Dispatcher{host: "h1", log: slog.New(slog.DiscardHandler)}
	d.workers.Store(&[]*worker{testWorker("ok", ok, time.Hour, time.Hour, 0), testWorker("bad", bad, 0, 0, 0)})
	res := d.Test(t.Context(), "")
	if len(res) != 2 || res[0].Notifier != "ok" || res[0].Err != nil || res[1].Notifier != "bad" || res[1].Err == nil || res[1].Err.Error() != "refused" {
		t.Errorf("Test(all) = %+v", res)
	}
	if got := ok.messages(); len(got) != 1 || got[0].Events[0] != "vigia_test:test:warning" {
		t.Errorf("test message = %+v, sent at once despite group_wait", got)
	}
	res = d.Test(t.Context(), "nope")
	if len(res) != 1 || res[0].Err == nil || res[0].Err.Error() != `no notifier named "nope" (configured: ok, bad)` {
		t.Errorf("Test(nope) = %+v", res)
	}
	if hs := d.Health(); hs[0].Sent != 0 || hs[1].Failed != 0 {
		t.Errorf("test alerts counted in health: %+v", hs)
	}
}

func TestBrokenNotifiersFailInsteadOfPanicking(t *testing.T) {
	t.Parallel()
	d := New(Options{Notifiers: []config.Notifier{
		{Name: "nocmd", Type: config.NotifierExec},
		{Name: "nourl", Type: config.NotifierWebhook},
		{Name: "odd", Type: "pigeon"},
	}, Host: "h"})
	res := d.Test(t.Context(), "")
	want := []string{"", `exec notifier "nocmd" has no command`, `webhook notifier "nourl" has no url`, `notifier "odd" has unknown type "pigeon"`}
	var got []string
	for _, r := range res {
		msg := ""
		if r.Err != nil {
			msg = r.Err.Error()
		}
		got = append(got, msg)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Test errors mismatch (-want +got):\n%s", diff)
	}
}
