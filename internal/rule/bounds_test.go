package rule

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestCriticalBounds(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	rules := []Rule{
		{Name: "many", Metric: reading.ProcsCount, Warning: 500, Critical: 1000},
		{Name: "more", Kind: Threshold, Metric: reading.ProcsCount, Warning: 1500, Critical: nan},
		{Name: "busy", Metric: reading.NetThroughput, Warning: 1e6, Critical: nan},
		{Name: "low", Metric: reading.MemAvailable, Warning: 1e9, Critical: 5e8, Below: true},
		{Name: "eth0", Metric: reading.NetRxBytes, Match: []reading.Label{{Name: "device", Value: "eth0"}}, Critical: 1e6},
		{Name: "grows", Kind: Trend, Metric: reading.FSAvail},
	}
	want := map[string]float64{reading.ProcsCount: 1500, reading.NetThroughput: 1e6}
	if diff := cmp.Diff(want, CriticalBounds(rules)); diff != "" {
		t.Errorf("CriticalBounds mismatch (-want +got):\n%s", diff)
	}
}
