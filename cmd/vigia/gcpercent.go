package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcPolicy is how a command's collector runs unless GOGC is set: at low
// percent where the live heap is large, at up to high where it is small
// enough that the heap high lets grow stays under ceiling bytes. The
// runtime's smallest heap goal is 4 MB × percent/100, so at a few MB live
// the percent decides how often the collector runs, not how much memory
// is resident.
type gcPolicy struct {
	low, high int
	ceiling   uint64
}

// agentGC is the agent's policy.
//
// The agent's heap is mostly the process table and the readings made from
// it, about 3 MB live at 1,000 processes, and the runtime keeps about
// (1 + GOGC/100) × 1.1 times the live heap resident: 6.5 MB at Go's default
// of 100, 5 MB at 50, 4 MB at 25. With the peer harness at 1,003 processes
// (docs/PERFORMANCE.md, /metrics), peak RSS against node_exporter's in the
// same run: 1.04× at 100, 1.00× at 50, 0.98× at 25. The collector runs
// four times as often as at 100: /metrics' CPU a scrape went from ~0.35×
// node_exporter's to 0.38-0.49×, the whole agent's about a tenth up.
var agentGC = gcPolicy{low: 25, high: 25}

// topGC is the dashboard's policy. Its live heap grows with the process
// table: about 1.5 MB at 1,000 processes, 12 MB at 10,000. At a fixed 50
// the collector ran every 2 s at 1,000 processes (the runtime's smallest
// goal, 2 MB, reached by each second pass's readings). Side by side
// (docs/PERFORMANCE.md, "The collector's percent follows the heap"), at
// 1,000 processes: 0.46 % of a core at 50, 0.36 at 100, 0.32 at 200, peak
// RSS 19.6, 20.8, 24.9 MiB; at 10,000, 100 took peak RSS from 43.4 to 49.6
// MiB. So 100 while the heap it lets grow stays under 6 MB, and 50 from
// there on: at 10,000 the same peak RSS as a fixed 50 (29.9 against 29.8
// MiB) at 1.52 % of a core against 1.69.
var topGC = gcPolicy{low: 50, high: 100, ceiling: 6 << 20}

// percent is the policy's GC percent for a live heap of live bytes.
func (p gcPolicy) percent(live uint64) int {
	if p.high <= p.low || live == 0 {
		return p.high
	}
	if live >= p.ceiling {
		return p.low
	}
	return max(p.low, min(p.high, int(100*(p.ceiling-live)/live)))
}

// tuneGC runs the collector by the policy, leaving a GOGC from the
// environment to the runtime, which has read it already. A policy whose
// percent depends on the live heap sets it again after every collection,
// from the goroutine that runs cleanups: no timer, and no wake-up of its
// own. It returns that tuner, or nil.
func tuneGC(getenv func(string) string, p gcPolicy) *gcTuner {
	if getenv("GOGC") != "" {
		return nil
	}
	debug.SetGCPercent(p.high)
	if p.high <= p.low {
		return nil
	}
	t := &gcTuner{policy: p, set: p.high, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.arm()
	return t
}

// gcTuner follows the live heap from one collection to the next.
type gcTuner struct {
	policy gcPolicy
	mu     sync.Mutex
	set    int // the percent last set
	tuned  int // collections seen
	sample []metrics.Sample
	done   bool
}

// gcSentinel is what the collector frees at each cycle: its cleanup
// retunes and allocates the next. (Larger than the tiny allocator's
// 16-byte blocks, which may hold it alive with their other objects.)
type gcSentinel struct{ _ [32]byte }

func (t *gcTuner) arm() {
	runtime.AddCleanup(new(gcSentinel), func(t *gcTuner) {
		if t.retune() {
			t.arm()
		}
	}, t)
}

// retune sets the percent for the live heap the last collection marked,
// and reports whether to follow the next one.
func (t *gcTuner) retune() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return false
	}
	t.tuned++
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		if p := t.policy.percent(t.sample[0].Value.Uint64()); p != t.set {
			debug.SetGCPercent(p)
			t.set = p
		}
	}
	return true
}

// stop ends the tuning at the next collection.
func (t *gcTuner) stop() {
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
}

// state returns the percent last set and the collections seen.
func (t *gcTuner) state() (int, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.set, t.tuned
}
