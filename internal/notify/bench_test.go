package notify

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// benchDispatch measures what the dispatcher costs per reading on the
// engine's side, with the log notifier and two webhooks (grouped, so they
// mostly hold state) behind it.
func benchDispatch(b *testing.B, transitions int) {
	hooks := []config.Notifier{
		{Name: "a", Type: config.NotifierWebhook, URL: "http://127.0.0.1:9/", GroupWait: time.Hour, GroupInterval: time.Hour, RepeatInterval: 4 * time.Hour, MinSeverity: reading.Warning, SendResolved: true},
		{Name: "b", Type: config.NotifierWebhook, URL: "http://127.0.0.1:9/", GroupWait: time.Hour, GroupInterval: time.Hour, RepeatInterval: 4 * time.Hour, MinSeverity: reading.Warning, SendResolved: true},
	}
	d := New(Options{Notifiers: hooks, Host: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), QueueSize: 1024, FlushTimeout: time.Millisecond})
	in := make(chan reading.Reading, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, in) }()
	rs := make([]reading.Reading, 64)
	for i := range rs {
		r := reading.Reading{Sensor: reading.SensorDisk, Time: time.Now(), Metrics: make([]reading.Metric, 40)}
		for j := range transitions {
			from, to := reading.Normal, reading.Warning
			if i%2 == 1 {
				from, to = to, from
			}
			r.Transitions = append(r.Transitions, reading.Transition{Rule: "disk", Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent,
				Labels: []reading.Label{{Name: "mountpoint", Value: "/m" + strconv.Itoa(j)}}, From: from, To: to, Value: 91, Threshold: 90, Time: time.Now()})
		}
		rs[i] = r
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in <- rs[i%len(rs)]
		i++
	}
	close(in)
	<-done
	cancel()
}

func BenchmarkDispatchNoTransition(b *testing.B)  { benchDispatch(b, 0) }
func BenchmarkDispatchOneTransition(b *testing.B) { benchDispatch(b, 1) }
