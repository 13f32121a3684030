package engine

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestLatencyHistogram(t *testing.T) {
	t.Parallel()
	var l latency
	for _, d := range []time.Duration{5 * time.Microsecond, 10 * time.Microsecond, 300 * time.Microsecond, 2 * time.Second} {
		l.observe(d)
	}
	h := l.snapshot()
	if h.Count != 4 || h.SumSeconds != 2.000315 {
		t.Errorf("count %d sum %v, want 4 and 2.000315", h.Count, h.SumSeconds)
	}
	want := []uint64{2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3} // 2 s is above every bound: only in +Inf (Count)
	got := make([]uint64, len(h.Buckets))
	for i, b := range h.Buckets {
		got[i] = b.Count
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cumulative buckets mismatch (-want +got):\n%s", diff)
	}
	if h.Buckets[0] != (reading.LatencyBucket{UpperBound: 1e-5, Count: 2}) {
		t.Errorf("first bucket %+v", h.Buckets[0])
	}
}

// TestLatencyObserveDoesNotAllocate: it runs once per reading.
func TestLatencyObserveDoesNotAllocate(t *testing.T) {
	var l latency
	if n := testing.AllocsPerRun(1000, func() { l.observe(42 * time.Microsecond) }); n != 0 {
		t.Errorf("observe allocates %v times", n)
	}
}
