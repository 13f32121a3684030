package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneGCLeavesGOGCToTheOperator(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	if tuneGC(getenv, agentGC) != nil {
		t.Error("a fixed policy has a tuner")
	}
	if got := debug.SetGCPercent(100); got != agentGC.low {
		t.Errorf("GC percent with no GOGC: %d, want %d", got, agentGC.low)
	}
	// A GOGC the runtime has read already is the operator's choice.
	env["GOGC"] = "200"
	if tuneGC(getenv, topGC) != nil {
		t.Error("with GOGC set there is a tuner")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC set: %d, want it left at 100", got)
	}
}

// TestGCPolicyPercent: the high percent while its heap stays under the
// ceiling, falling to the low one as the live heap nears it.
func TestGCPolicyPercent(t *testing.T) {
	p := gcPolicy{low: 50, high: 100, ceiling: 8 << 20}
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 100}, {1 << 20, 100}, {4 << 20, 100}, {5 << 20, 60}, {6 << 20, 50}, {8 << 20, 50}, {1 << 30, 50},
	} {
		if got := p.percent(tt.live); got != tt.want {
			t.Errorf("percent(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
	if got := (gcPolicy{low: 25, high: 25}).percent(1 << 20); got != 25 {
		t.Errorf("a fixed policy's percent = %d, want 25", got)
	}
}

// TestGCTunerFollowsCollections: the tuner sets the percent for the live
// heap after each collection, until stopped. A 12 MB live heap is past
// the ceiling (low); freed, the heap is small again and the percent
// rises (to high unless the test binary holds 4 MB elsewhere).
func TestGCTunerFollowsCollections(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	tuner := tuneGC(func(string) string { return "" }, topGC)
	if tuner == nil {
		t.Fatal("no tuner for the dashboard's policy")
	}
	defer tuner.stop()
	collect := func() (int, int) {
		// The cleanup runs after the collection, on its own goroutine.
		_, before := tuner.state()
		for range 100 {
			runtime.GC()
			if set, n := tuner.state(); n > before {
				return set, n
			}
		}
		t.Fatal("100 collections and the tuner has not run")
		return 0, 0
	}
	big := make([][]byte, 12)
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	if set, _ := collect(); set != topGC.low {
		t.Errorf("with 12 MB live the percent is %d, want %d", set, topGC.low)
	}
	runtime.KeepAlive(big)
	big = nil
	collect()
	if set, _ := collect(); set <= topGC.low {
		t.Errorf("with the 12 MB freed the percent is %d, want above %d", set, topGC.low)
	}
}
