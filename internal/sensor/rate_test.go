package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		prev, cur uint64
		dt        time.Duration
		want      float64
		wantOK    bool
	}{
		{"steady", 100, 300, 2 * time.Second, 100, true},
		{"unchanged", 7, 7, time.Second, 0, true},
		{"sub-second", 0, 50, 250 * time.Millisecond, 200, true},
		{"reset", 1 << 40, 10, time.Second, 0, false},
		{"zero interval", 1, 2, 0, 0, false},
		{"clock stepped back", 1, 2, -time.Second, 0, false},
		{"max counter", 0, ^uint64(0), time.Second, float64(^uint64(0)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Rate(tt.prev, tt.cur, tt.dt)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Rate(%d, %d, %v) = %v, %v; want %v, %v", tt.prev, tt.cur, tt.dt, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestCounters(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type result struct {
		Rate float64
		OK   bool
	}
	c := NewCounters[string]()
	var got []result
	add := func(k string, v uint64, at time.Time) {
		r, ok := c.Rate(k, v, at)
		got = append(got, result{r, ok})
	}
	add("eth0", 1000, t0)                    // first sight
	add("eth0", 3000, t0.Add(2*time.Second)) // 1000/s
	add("eth0", 500, t0.Add(3*time.Second))  // reset
	add("eth0", 700, t0.Add(4*time.Second))  // 200/s after the reset
	want := []result{{0, false}, {1000, true}, {0, false}, {200, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Counters.Rate sequence mismatch (-want +got):\n%s", diff)
	}
}

func TestCountersSweep(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewCounters[string]()
	c.Rate("sda", 1, t0)
	c.Rate("sdb", 1, t0)
	c.Sweep()
	if c.Len() != 2 {
		t.Fatalf("after first sweep Len() = %d, want 2", c.Len())
	}
	// sdb is unplugged: only sda is sampled in this read.
	c.Rate("sda", 2, t0.Add(time.Second))
	c.Sweep()
	if c.Len() != 1 {
		t.Fatalf("after sdb vanished Len() = %d, want 1", c.Len())
	}
	// sdb comes back with a fresh counter: no rate against the old sample.
	if _, ok := c.Rate("sdb", 5, t0.Add(2*time.Second)); ok {
		t.Errorf("Rate for a key forgotten by Sweep reported ok; want a fresh baseline")
	}
}
