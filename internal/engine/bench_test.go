package engine

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/live"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

var benchSensors = []string{reading.SensorCPU, reading.SensorMemory, reading.SensorLoad, reading.SensorTemperature, reading.SensorDisk, reading.SensorNetwork}

// benchReading is a realistic reading: a primary value that crosses the
// default thresholds now and then (so rules raise and resolve alerts) and a
// few labelled series.
func benchReading(i int) reading.Reading {
	name := benchSensors[i%len(benchSensors)]
	v := float64((i / len(benchSensors)) % 100)
	r := reading.Reading{Sensor: name, Time: t0.Add(time.Duration(i) * time.Millisecond)}
	switch name {
	case reading.SensorCPU:
		r.Primary = reading.CPUUsage
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.CPUUsage, Value: v, Unit: reading.Percent})
		for c := range 8 {
			r.Metrics = append(r.Metrics, reading.Metric{Name: reading.CPUCoreUsage, Value: v, Unit: reading.Percent,
				Labels: []reading.Label{{Name: "cpu", Value: cpuLabels[c]}}})
		}
	case reading.SensorDisk:
		r.Primary = reading.DiskUsedPercent
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.DiskUsedPercent, Value: v, Unit: reading.Percent})
		for _, mp := range []string{"/", "/home", "/var"} {
			r.Metrics = append(r.Metrics, reading.Metric{Name: reading.FSUsedPercent, Value: v, Unit: reading.Percent,
				Labels: []reading.Label{{Name: "mountpoint", Value: mp}}})
		}
	default:
		r.Primary = reading.MemUsedPercent
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.MemUsedPercent, Value: v, Unit: reading.Percent},
			reading.Metric{Name: reading.MemTotal, Value: 8 << 30, Unit: reading.Bytes})
	}
	return r
}

var cpuLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7"}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// pushThrough sends n readings through a running engine's queue, analysers
// and hub into live, pacing the producer so the queue never drops (the
// whole path does the work), and returns the heap in use after a warm-up
// and after the n readings, while the engine still runs.
func pushThrough(tb testing.TB, warm, n int) (before, after uint64, elapsed time.Duration) {
	tb.Helper()
	e, err := New(Options{Rules: rule.Defaults(), Workers: 2, QueueSize: 256, SelfInterval: -1})
	if err != nil {
		tb.Fatal(err)
	}
	sub := e.Subscribe("live", 1024)
	lv := live.New(live.Options{})
	consumed := make(chan struct{})
	go func() { lv.Consume(sub.C); close(consumed) }()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { e.Run(ctx); close(ran) }()

	push := func(from, to int) {
		for i := from; i < to; i++ {
			p := i % len(benchSensors) % len(e.queues)
			for e.queues[p].Len() >= e.queues[p].Cap() {
				runtime.Gosched()
			}
			e.push(p, benchReading(i))
		}
		// Wait until the hub has delivered everything pushed so far.
		for e.readings.Load()+e.queues[0].Dropped()+e.queues[1].Dropped() < uint64(to) {
			runtime.Gosched()
		}
		for len(sub.C) > 0 {
			runtime.Gosched()
		}
	}
	push(0, warm)
	before = heapInUse()
	start := time.Now()
	push(warm, warm+n)
	elapsed = time.Since(start)
	after = heapInUse()
	cancel()
	<-ran
	<-consumed
	h := e.Health()
	if h.QueueDropped != 0 {
		tb.Errorf("queue dropped %d readings though the producer was paced", h.QueueDropped)
	}
	if h.Readings != uint64(warm+n) {
		tb.Errorf("engine delivered %d readings, want %d", h.Readings, warm+n)
	}
	if len(lv.Alerts()) == 0 || len(lv.Transitions(0)) == 0 {
		tb.Errorf("no alerts went through: the rules did not run")
	}
	return before, after, elapsed
}

// TestMemoryFlat checks on a short run (the benchmark does a long one) that the heap does not grow with the
// number of readings.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 30k readings; skipped with -short")
	}
	// A leak of 40 bytes a reading would show as 1 MiB.
	before, after, _ := pushThrough(t, 5000, 25000)
	if after > before+1<<20 {
		t.Errorf("heap in use grew from %d to %d bytes over 25k readings", before, after)
	}
}

// BenchmarkMillionReadings pushes a million readings through the engine
// into live per iteration and reports the heap in use before and after.
// Run it with -benchtime=1x.
func BenchmarkMillionReadings(b *testing.B) {
	for b.Loop() {
		before, after, elapsed := pushThrough(b, 20000, 1_000_000)
		b.ReportMetric(float64(before)/(1<<20), "heap-before-MiB")
		b.ReportMetric(float64(after)/(1<<20), "heap-after-MiB")
		b.ReportMetric(float64(elapsed.Nanoseconds())/1e6, "ns/reading")
		fmt.Fprintf(b.Output(), "heap in use: %d bytes before, %d bytes after 1e6 readings (%+d); %.0f ns/reading\n",
			before, after, int64(after)-int64(before), float64(elapsed.Nanoseconds())/1e6)
	}
}

// BenchmarkAnalyse measures one analyser's work per reading: the hand-off
// to its evaluating goroutine under a deadline, the default rules, and the
// delivery to a subscriber.
func BenchmarkAnalyse(b *testing.B) {
	e, err := New(Options{Rules: rule.Defaults(), SelfInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	sub := e.Subscribe("sink", 1024)
	go func() {
		for range sub.C {
		}
	}()
	a := newAnalyser(e, 0)
	a.start()
	rs := make([]reading.Reading, 600)
	for i := range rs {
		rs[i] = benchReading(i)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := rs[i%len(rs)]
		r.Status, r.Transitions = a.analyse(r)
		e.deliver(r)
	}
	b.StopTimer()
	a.stop()
	e.mu.Lock()
	close(e.subs[0].c)
	e.mu.Unlock()
}
