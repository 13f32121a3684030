package notify

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

func raised(rule string, at time.Time) reading.Reading {
	return reading.Reading{Sensor: reading.SensorCPU, Time: at, Transitions: []reading.Transition{{
		Rule: rule, Sensor: reading.SensorCPU, Metric: reading.CPUUsage, From: reading.Normal, To: reading.Critical,
		Value: 95, Threshold: 90, Time: at, Since: at}}}
}

// TestReloadNotifiers: after a reload, alerts go to the notifiers of the
// new config only; an unchanged notifier is the same worker (its record
// carries on), and the one that left delivers what it held before it
// stops.
func TestReloadNotifiers(t *testing.T) {
	t.Parallel()
	a, b := &capture{}, &capture{}
	sa, sb := httptest.NewServer(a), httptest.NewServer(b)
	defer sa.Close()
	defer sb.Close()
	hookA, hookB := webhookNotifier(sa.URL), webhookNotifier(sb.URL)
	hookA.Name, hookB.Name = "a", "b"
	d := New(Options{Notifiers: []config.Notifier{hookA}, FlushTimeout: 2 * time.Second})
	in := make(chan reading.Reading)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, in) }()

	in <- raised("first", time.Now())
	waitFor(t, "a to get the first alert", func() bool { return a.requests() == 1 })
	logWorker := d.list()[0]

	d.Reload([]config.Notifier{hookB})
	if names := d.Names(); len(names) != 2 || names[0] != "log" || names[1] != "b" {
		t.Fatalf("notifiers after reload: %v", names)
	}
	if d.list()[0] != logWorker {
		t.Error("the unchanged log notifier was rebuilt: its record would be lost")
	}
	in <- raised("second", time.Now())
	waitFor(t, "b to get the second alert", func() bool { return b.requests() == 1 })
	if a.requests() != 1 {
		t.Errorf("a, no longer configured, got %d requests, want 1", a.requests())
	}
	close(in)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
