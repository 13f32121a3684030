package engine

import (
	"sync/atomic"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// latencyBounds are the upper bounds of the analysis-latency histogram: a
// threshold rule takes under a microsecond, 200 mixed rules over a full
// process table about 0.4 ms, and the deadline is 1 s by default.
var latencyBounds = [...]time.Duration{
	10 * time.Microsecond, 25 * time.Microsecond, 50 * time.Microsecond, 100 * time.Microsecond,
	250 * time.Microsecond, 500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond,
	10 * time.Millisecond, 100 * time.Millisecond, time.Second,
}

// latency counts analysis durations with atomics only: analysers record
// into it on every reading without a lock or an allocation, and scrapes read
// it at any time.
type latency struct {
	buckets [len(latencyBounds)]atomic.Uint64 // per bucket, not cumulative
	count   atomic.Uint64
	sum     atomic.Int64 // nanoseconds
}

func (l *latency) observe(d time.Duration) {
	for i, b := range latencyBounds {
		if d <= b {
			l.buckets[i].Add(1)
			break
		}
	}
	l.sum.Add(int64(d))
	l.count.Add(1) // last: a reader never sees more in buckets than counted
}

// snapshot returns the histogram with cumulative buckets, as Prometheus
// wants them.
func (l *latency) snapshot() reading.LatencyHistogram {
	h := reading.LatencyHistogram{Count: l.count.Load(), SumSeconds: float64(l.sum.Load()) / 1e9,
		Buckets: make([]reading.LatencyBucket, len(latencyBounds))}
	var cum uint64
	for i, b := range latencyBounds {
		cum += l.buckets[i].Load()
		h.Buckets[i] = reading.LatencyBucket{UpperBound: b.Seconds(), Count: min(cum, h.Count)}
	}
	return h
}
