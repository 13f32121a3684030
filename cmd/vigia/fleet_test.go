package main

import (
	"math"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

func TestThresholdLevel(t *testing.T) {
	t.Parallel()
	rules := append(rule.Defaults(),
		// Only critical, below: free memory this low is critical.
		rule.Rule{Name: "mem_low", Kind: rule.Threshold, Metric: "mem.available_percent", Warning: math.NaN(), Critical: 5, Below: true},
		// A rule on one filesystem says nothing of the fullest one.
		rule.Rule{Name: "var_full", Kind: rule.Threshold, Metric: reading.FSUsedPercent, Warning: 10, Critical: 20,
			Match: []reading.Label{{Name: "mountpoint", Value: "/var"}}},
	)
	level := thresholdLevel(rules)
	for _, tt := range []struct {
		metric string
		v      float64
		want   reading.Status
	}{
		{reading.CPUUsage, 50, reading.Normal},
		{reading.CPUUsage, 70, reading.Warning},
		{reading.CPUUsage, 95, reading.Critical},
		{reading.FSUsedPercent, 30, reading.Normal},
		{"mem.available_percent", 50, reading.Normal},
		{"mem.available_percent", 4, reading.Critical},
		{"no.such_metric", 1e9, reading.Normal},
	} {
		if got := level(tt.metric, tt.v); got != tt.want {
			t.Errorf("level(%s, %g) = %v, want %v", tt.metric, tt.v, got, tt.want)
		}
	}
}
