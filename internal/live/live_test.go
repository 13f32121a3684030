package live

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func cpu(s int, v float64, cores ...float64) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCPU, Time: at(s), Primary: reading.CPUUsage, Status: reading.Normal,
		Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: v}}}
	for i, c := range cores {
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.CPUCoreUsage, Value: c,
			Labels: []reading.Label{{Name: "cpu", Value: fmt.Sprint(i)}}})
	}
	return r
}

func TestLatestAndReading(t *testing.T) {
	t.Parallel()
	l := New(Options{})
	if _, ok := l.Reading(reading.SensorCPU); ok {
		t.Errorf("Reading before any update reported ok")
	}
	l.Update(reading.Reading{Sensor: reading.SensorMemory, Time: at(0)})
	l.Update(cpu(0, 10))
	l.Update(cpu(1, 20))
	l.Update(reading.Reading{Sensor: reading.SensorDisk, Time: at(1), Err: "stale: call overran its deadline"})
	var got []string
	for _, r := range l.Latest() {
		got = append(got, fmt.Sprintf("%s@%d", r.Sensor, int(r.Time.Sub(t0).Seconds())))
	}
	if diff := cmp.Diff([]string{"cpu@1", "disk@1", "memory@0"}, got); diff != "" {
		t.Errorf("Latest() mismatch (-want +got):\n%s", diff)
	}
	r, ok := l.Reading(reading.SensorCPU)
	if v, _ := r.Value(reading.CPUUsage); !ok || v != 20 {
		t.Errorf("Reading(cpu) = %v, %v; want the one with 20", r, ok)
	}
}

func TestHistoryRing(t *testing.T) {
	t.Parallel()
	l := New(Options{History: 3})
	for s := range 5 {
		l.Update(cpu(s, float64(s*10), float64(s), float64(100+s)))
	}
	want := []Point{{at(2), 20}, {at(3), 30}, {at(4), 40}}
	if diff := cmp.Diff(want, l.History(reading.SensorCPU, reading.CPUUsage)); diff != "" {
		t.Errorf("History(cpu.usage) mismatch (-want +got):\n%s", diff)
	}
	want = []Point{{at(2), 102}, {at(3), 103}, {at(4), 104}}
	if diff := cmp.Diff(want, l.History(reading.SensorCPU, reading.CPUCoreUsage, reading.Label{Name: "cpu", Value: "1"})); diff != "" {
		t.Errorf("History(cpu.core.usage{cpu=1}) mismatch (-want +got):\n%s", diff)
	}
	// The copy is the caller's.
	h := l.History(reading.SensorCPU, reading.CPUUsage)
	h[0].Value = -1
	if got := l.History(reading.SensorCPU, reading.CPUUsage)[0].Value; got != 20 {
		t.Errorf("History shares memory with Live: first value now %v", got)
	}
	if got := l.History(reading.SensorCPU, "cpu.nope"); got != nil {
		t.Errorf("History of an unknown series = %v, want nil", got)
	}
	if got := l.History("gpu", reading.CPUUsage); got != nil {
		t.Errorf("History of an unknown sensor = %v, want nil", got)
	}
}

func TestHistoryLabelOrderDoesNotMatter(t *testing.T) {
	t.Parallel()
	l := New(Options{})
	l.Update(reading.Reading{Sensor: reading.SensorDisk, Time: at(0), Metrics: []reading.Metric{{Name: reading.FSUsedPercent, Value: 42,
		Labels: []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "mountpoint", Value: "/"}}}}})
	got := l.History(reading.SensorDisk, reading.FSUsedPercent, reading.Label{Name: "mountpoint", Value: "/"}, reading.Label{Name: "device", Value: "/dev/sda1"})
	if diff := cmp.Diff([]Point{{at(0), 42}}, got); diff != "" {
		t.Errorf("History mismatch (-want +got):\n%s", diff)
	}
}

func TestVanishedSeriesAreForgottenAndErrorsKeepHistory(t *testing.T) {
	t.Parallel()
	l := New(Options{})
	l.Update(cpu(0, 10, 1, 2, 3, 4))
	l.Update(reading.Reading{Sensor: reading.SensorCPU, Time: at(1), Err: "read /proc/stat: permission denied"})
	if got := len(l.History(reading.SensorCPU, reading.CPUCoreUsage, reading.Label{Name: "cpu", Value: "3"})); got != 1 {
		t.Errorf("after an error reading cpu 3 has %d points, want 1 kept", got)
	}
	l.Update(cpu(2, 10, 1, 2)) // cores 2 and 3 went offline
	if got := l.History(reading.SensorCPU, reading.CPUCoreUsage, reading.Label{Name: "cpu", Value: "3"}); got != nil {
		t.Errorf("offline core's history = %v, want forgotten", got)
	}
	if l.nseries != 3 {
		t.Errorf("%d series held, want 3", l.nseries)
	}
}

func TestMaxSeriesCap(t *testing.T) {
	t.Parallel()
	l := New(Options{MaxSeries: 3})
	l.Update(cpu(0, 10, 1, 2, 3, 4))
	if l.nseries != 3 {
		t.Errorf("%d series held, want the cap of 3", l.nseries)
	}
	if got := len(l.History(reading.SensorCPU, reading.CPUUsage)); got != 1 {
		t.Errorf("first series has %d points, want 1", got)
	}
	r, _ := l.Reading(reading.SensorCPU)
	if len(r.Metrics) != 5 {
		t.Errorf("latest reading has %d metrics, want all 5 despite the cap", len(r.Metrics))
	}
}

func tr(rule, mount string, from, to reading.Status, s int) reading.Transition {
	return reading.Transition{Rule: rule, Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent,
		Labels: []reading.Label{{Name: "mountpoint", Value: mount}}, From: from, To: to, Time: at(s), Since: at(s)}
}

func TestAlertsAndTransitions(t *testing.T) {
	t.Parallel()
	N, W, C := reading.Normal, reading.Warning, reading.Critical
	l := New(Options{Transitions: 4})
	steps := [][]reading.Transition{
		{tr("fs", "/", N, W, 0), tr("fs", "/home", N, W, 0)},
		{tr("fs", "/srv", N, C, 1)},
		{tr("fs", "/", W, C, 2)},
		{tr("fs", "/home", W, N, 3)},
	}
	for i, trs := range steps {
		l.Update(reading.Reading{Sensor: reading.SensorDisk, Time: at(i), Transitions: trs})
	}
	var got []string
	for _, a := range l.Alerts() {
		got = append(got, a.Labels[0].Value+" "+a.To.String())
	}
	// Worst first, then the oldest.
	if diff := cmp.Diff([]string{"/srv critical", "/ critical"}, got); diff != "" {
		t.Errorf("Alerts() mismatch (-want +got):\n%s", diff)
	}
	got = nil
	for _, t := range l.Transitions(0) {
		got = append(got, t.Labels[0].Value+" "+t.From.String()+">"+t.To.String())
	}
	want := []string{"/home warning>normal", "/ warning>critical", "/srv normal>critical", "/home normal>warning"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Transitions(0) mismatch (-want +got), newest first, 4 kept:\n%s", diff)
	}
	if got := l.Transitions(2); len(got) != 2 || got[0].Labels[0].Value != "/home" {
		t.Errorf("Transitions(2) = %v, want the 2 newest", got)
	}
	if got := New(Options{}).Transitions(5); len(got) != 0 {
		t.Errorf("Transitions on an empty Live = %v", got)
	}
}

// TestConcurrentReaders runs readers against a writer under -race.
func TestConcurrentReaders(t *testing.T) {
	t.Parallel()
	l := New(Options{History: 50, Transitions: 10})
	c := make(chan reading.Reading)
	done := make(chan struct{})
	go func() { l.Consume(c); close(done) }()
	var readers sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				l.Latest()
				l.History(reading.SensorCPU, reading.CPUCoreUsage, reading.Label{Name: "cpu", Value: "1"})
				l.Alerts()
				l.Transitions(3)
				runtime.Gosched()
			}
		})
	}
	for s := range 300 {
		r := cpu(s, float64(s%100), 1, 2)
		if s%10 == 0 {
			r.Transitions = []reading.Transition{tr("cpu", "/", reading.Normal, reading.Warning, s)}
		}
		c <- r
	}
	close(c)
	<-done
	close(stop)
	readers.Wait()
	if got := len(l.History(reading.SensorCPU, reading.CPUUsage)); got != 50 {
		t.Errorf("history holds %d points, want 50", got)
	}
	if got := len(l.Transitions(0)); got != 10 {
		t.Errorf("%d transitions kept, want 10", got)
	}
}

func TestUpdateSteadyStateDoesNotAllocate(t *testing.T) {
	l := New(Options{History: 10})
	r := cpu(0, 1, 1, 2, 3, 4)
	for range 20 {
		l.Update(r)
	}
	// One allocation: the channel that Changed hands out.
	if n := testing.AllocsPerRun(100, func() { l.Update(r) }); n > 1 {
		t.Errorf("Update allocates %v times per reading, want at most 1", n)
	}
}

// A full history holds its size in points and no more (append's own growth
// would have left room for 512 of the default 300), and gives back times in
// the readings' zone.
func TestFullRingHoldsExactlyItsSize(t *testing.T) {
	l := New(Options{})
	for s := range DefaultHistory + 5 {
		l.Update(cpu(s, float64(s)))
	}
	s := l.sensors[reading.SensorCPU].series[string(appendSeriesKey(nil, reading.CPUUsage, nil))]
	if len(s.points) != DefaultHistory || cap(s.points) != DefaultHistory {
		t.Errorf("full ring: len %d cap %d, want both %d", len(s.points), cap(s.points), DefaultHistory)
	}
	got := l.History(reading.SensorCPU, reading.CPUUsage)
	if len(got) != DefaultHistory || !got[0].Time.Equal(at(5)) || got[0].Time.Location() != time.UTC || got[len(got)-1].Value != DefaultHistory+4 {
		t.Errorf("History after %d readings: %d points, first %v, last value %v", DefaultHistory+5, len(got), got[0], got[len(got)-1].Value)
	}
}
