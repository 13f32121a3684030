package store

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

var base = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func openTest(t testing.TB, now time.Time) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "vigia.db"), Options{Now: func() time.Time { return now }, FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// record runs Record over rs and waits for it to finish.
func record(t testing.TB, s *Store, rs []reading.Reading) {
	t.Helper()
	ch := make(chan reading.Reading, len(rs))
	for _, r := range rs {
		ch <- r
	}
	close(ch)
	if err := s.Record(context.Background(), ch); err != nil {
		t.Fatalf("Record: %v", err)
	}
}

func cpuReading(t time.Time, i int) reading.Reading {
	usage := float64(i%1000) / 10 // 0.0 .. 99.9
	return reading.Reading{
		Sensor: reading.SensorCPU, Time: t, Primary: reading.CPUUsage, Status: reading.Normal,
		Metrics: []reading.Metric{
			{Name: reading.CPUUsage, Value: usage, Unit: reading.Percent},
			{Name: reading.CPUCoreUsage, Labels: []reading.Label{{Name: "cpu", Value: "0"}}, Value: usage / 2, Unit: reading.Percent},
			{Name: reading.CPUCoreUsage, Labels: []reading.Label{{Name: "cpu", Value: "1"}}, Value: 100 - usage, Unit: reading.Percent},
			{Name: reading.CPUSecondsTotal, Labels: []reading.Label{{Name: "cpu", Value: "0"}, {Name: "mode", Value: "user"}}, Value: 1000 + float64(i)*0.37, Kind: reading.Counter, Unit: reading.Seconds},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	var in []reading.Reading
	for i := range 1500 { // 25 minutes at 1 s, across chunk spans
		r := cpuReading(base.Add(time.Duration(i)*time.Second+time.Duration(i%7)*time.Millisecond), i)
		if i == 700 {
			r.Status = reading.Warning
			r.Transitions = []reading.Transition{{Rule: "cpu-busy", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning,
				Value: 70, Threshold: 65, Time: r.Time, Since: r.Time, Message: "cpu busy"}}
		}
		in = append(in, r)
	}
	in = append(in, reading.Reading{Sensor: reading.SensorTemperature, Time: base.Add(5 * time.Second), Err: "read timed out", Metrics: []reading.Metric{}})
	record(t, s, in)

	check := func(stage string) {
		var got []reading.Reading
		for r, err := range s.Readings(base, base.Add(time.Hour)) {
			if err != nil {
				t.Fatalf("%s: Readings: %v", stage, err)
			}
			got = append(got, r)
		}
		want := append([]reading.Reading(nil), in[:5]...)
		want = append(want, in[len(in)-1])
		want = append(want, in[5:len(in)-1]...)
		// Times come back at millisecond precision, in UTC-free form.
		if diff := cmp.Diff(want, got, cmpopts.EquateApproxTime(time.Millisecond), cmpopts.EquateEmpty(), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("%s: Readings mismatch (-want +got):\n%s", stage, diff)
		}
	}
	check("journal")
	span := func(stage string) {
		first, last, ok, err := s.Span()
		if err != nil || !ok || !first.Equal(in[0].Time.Truncate(time.Millisecond)) || !last.Equal(in[len(in)-2].Time.Truncate(time.Millisecond)) {
			t.Errorf("%s: Span() = %v, %v, %v, %v; want %v to %v", stage, first, last, ok, err, in[0].Time, in[len(in)-2].Time)
		}
	}
	span("journal")
	if err := s.Compact(base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var left int
	s.db.QueryRow("SELECT count(*) FROM journal").Scan(&left)
	if left != 0 {
		t.Errorf("after Compact, %d journal rows left, want 0", left)
	}
	check("chunks")
	span("chunks")
	s.db.Exec("DELETE FROM chunks; DELETE FROM times")
	first, _, ok, _ := s.Span()
	if !ok || !first.Equal(base) {
		t.Errorf("Span() from aggregates alone starts at %v, want the first minute %v", first, base)
	}
}

func TestSeriesAggregates(t *testing.T) {
	t.Parallel()
	now := base.Add(72 * time.Hour)
	s := openTest(t, now)
	var in []reading.Reading
	// 3 minutes at 10 s starting 30 s before a minute and span boundary.
	start := base.Add(9*time.Minute + 30*time.Second)
	for i := range 18 {
		in = append(in, reading.Reading{Sensor: "memory", Time: start.Add(time.Duration(i) * 10 * time.Second), Primary: reading.MemUsedPercent,
			Metrics: []reading.Metric{{Name: reading.MemUsedPercent, Value: float64(i), Unit: reading.Percent}}})
	}
	record(t, s, in)
	if err := s.Compact(base.Add(time.Hour)); err != nil { // raw kept: now is within 24 h
		t.Fatal(err)
	}
	pt := func(m time.Duration, lo, mean, hi float64, n int) Point {
		return Point{Time: base.Add(m), Min: lo, Mean: mean, Max: hi, Count: n}
	}
	want := []Point{
		pt(9*time.Minute, 0, 1, 2, 3),
		pt(10*time.Minute, 3, 5.5, 8, 6),
		pt(11*time.Minute, 9, 11.5, 14, 6),
		pt(12*time.Minute, 15, 16, 17, 3),
	}
	for _, stage := range []string{"raw", "aggregates"} {
		if stage == "aggregates" {
			// Drop raw: the same answer must come from the aggregates.
			s.db.Exec("DELETE FROM chunks")
		}
		got, err := s.Series("memory", nil, base, base.Add(time.Hour), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%s: Series returned %d series, want 1", stage, len(got))
		}
		if diff := cmp.Diff(want, got[0].Points, cmpopts.EquateApproxTime(0)); diff != "" {
			t.Errorf("%s: Series(memory, 1m) mismatch (-want +got):\n%s", stage, diff)
		}
		// A 2-minute step folds minutes by count.
		got, err = s.Series(reading.MemUsedPercent, nil, base, base.Add(time.Hour), 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		want2 := []Point{pt(8*time.Minute, 0, 1, 2, 3), pt(10*time.Minute, 3, 8.5, 14, 12), pt(12*time.Minute, 15, 16, 17, 3)}
		if diff := cmp.Diff(want2, got[0].Points, cmpopts.EquateApproxTime(0)); diff != "" {
			t.Errorf("%s: Series(2m) mismatch (-want +got):\n%s", stage, diff)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		vals  []float64
		exact bool
	}{
		{"const", []float64{3.5, 3.5, 3.5}, true},
		{"integers", []float64{1e12, 1e12 + 4096, 1e12 + 9000}, true},
		{"two places", []float64{0.01, 12.34, 99.99, 0}, true},
		{"negative", []float64{-5.5, 3.25, -0.125}, true},
		{"noisy", []float64{37.23848231, 12.1234567, 99.000001}, false},
		{"nan", []float64{1, math.NaN(), math.Inf(1)}, true},
		{"huge", []float64{1e300, 2e300}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := make([]int64, len(tt.vals))
			for i := range ts {
				ts[i] = 1_700_000_000_000 + int64(i)*1000 + int64(i*i)
			}
			cols := make([][]float64, 1)
			gotTS, err := decodeChunk(appendChunk(nil, ts, tt.vals), nil, nil, cols)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ts, gotTS); diff != "" {
				t.Errorf("times mismatch (-want +got):\n%s", diff)
			}
			opt := cmpopts.EquateNaNs()
			if !tt.exact {
				opt = cmp.Options{cmpopts.EquateApprox(0, 87*math.Pow(10, -sigDigits)), cmpopts.EquateNaNs()}
			}
			if diff := cmp.Diff(tt.vals, cols[0], opt); diff != "" {
				t.Errorf("values mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzDecodeChunk(f *testing.F) {
	f.Add(appendChunk(nil, []int64{1, 2, 3}, []float64{1.5, 2.5, 3.5}))
	f.Add(appendChunk(nil, []int64{1, 2}, []float64{1.123456789, 2}, []float64{3, 4}))
	f.Add(appendSharedChunk(nil, []float64{1.123456789, 2}, []float64{3, 4}))
	f.Fuzz(func(t *testing.T, b []byte) {
		cols := make([][]float64, 2)
		decodeChunk(b, nil, nil, cols)
		decodeChunk(b, []int64{1, 2}, nil, cols)
		decodeEntry(b, nil, nil)
		decodeTops(b)
	})
}

var _ = fmt.Sprint
var _ = strconv.Itoa

// TestLateWrites checks readings that reach the database after their span
// was compacted (a backlog written once a full disk has room again): they
// merge into the span's chunks in time order.
func TestLateWrites(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	var early, late []reading.Reading
	for i := range 120 {
		r := cpuReading(base.Add(time.Duration(i)*5*time.Second), i)
		if i%3 == 0 {
			late = append(late, r)
		} else {
			early = append(early, r)
		}
	}
	// A new series appears only in the late readings.
	late[0].Metrics = append(late[0].Metrics, reading.Metric{Name: reading.CPUCores, Value: 2})
	record(t, s, early)
	if err := s.Compact(base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s.Close() // a later recorder writes the rest
	s, err := Open(s.path, Options{Now: func() time.Time { return base.Add(time.Hour) }, FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, late)
	if err := s.Compact(base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Series(reading.CPUUsage, nil, base, base.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []Point
	for i := range 120 {
		v := float64(i%1000) / 10
		want = append(want, Point{Time: base.Add(time.Duration(i) * 5 * time.Second), Min: v, Mean: v, Max: v, Count: 1})
	}
	if diff := cmp.Diff(want, got[0].Points, cmpopts.EquateApproxTime(0), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("Series after late writes mismatch (-want +got):\n%s", diff)
	}
	n := 0
	for r, err := range s.Readings(base, base.Add(time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		if !r.Time.Equal(base.Add(time.Duration(n) * 5 * time.Second)) {
			t.Fatalf("reading %d at %v, want %v", n, r.Time, base.Add(time.Duration(n)*5*time.Second))
		}
		n++
	}
	if n != 120 {
		t.Errorf("Readings returned %d readings, want 120", n)
	}
}

// TestRecordCancel checks the shutdown path: when ctx is done Record keeps
// draining until the engine closes the channel, then writes everything.
func TestRecordCancel(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan reading.Reading)
	done := make(chan error, 1)
	go func() { done <- s.Record(ctx, ch) }()
	for i := range 10 {
		ch <- cpuReading(base.Add(time.Duration(i)*time.Second), i)
	}
	cancel()
	for i := 10; i < 20; i++ { // the engine drains its queue after cancel
		ch <- cpuReading(base.Add(time.Duration(i)*time.Second), i)
	}
	close(ch)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Record did not return after its channel closed")
	}
	s.mu.Lock()
	recording := s.recording
	s.mu.Unlock()
	if h := s.Health(); h.Written != 20 || h.Backlog != 0 || recording {
		t.Errorf("Health after Record = %+v, recording %v; want 20 written, nothing left, not recording", h, recording)
	}
	if err := s.Record(context.Background(), ch); err != nil {
		t.Errorf("a second Record after the first returned: %v", err)
	}
}
