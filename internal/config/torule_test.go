package config

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// TestRuleKinds: every rule kind of the config file reaches the analyser
// whole and valid.
func TestRuleKinds(t *testing.T) {
	t.Parallel()
	in := `rules:
  - {name: fill, kind: trend, metric: fs.avail, labels: {mountpoint: /}, window: 1h, within: 4h, critical_within: 1h, bound: 1073741824}
  - {kind: rate, metric: memory.used, per: 1m, warning: 100}
  - {kind: process, check: missing, comm: nginx, severity: warning, for: 30s}
  - {name: leak, kind: process, check: leak, cmdline: 'java .*app\.jar', window: 2h, per: 1h, critical: 5}
  - {kind: absent, sensor: disk, for: 2m}
`
	cfg, err := Parse("kinds.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []rule.Rule
	for i, cr := range cfg.Rules {
		r := cr.Rule(i)
		if err := r.Validate(); err != nil {
			t.Errorf("rule %d: %v", i+1, err)
		}
		got = append(got, r)
	}
	gib := float64(1 << 30)
	nan := cmp.Comparer(func(a, b float64) bool { return a == b || (a != a && b != b) })
	want := []rule.Rule{
		{Name: "fill", Kind: rule.Trend, Metric: reading.FSAvail, Match: []reading.Label{{Name: "mountpoint", Value: "/"}},
			Warning: math.NaN(), Critical: math.NaN(), Window: time.Hour, Within: 4 * time.Hour, CriticalWithin: time.Hour, Bound: &gib},
		{Name: "rule2_memory.used", Kind: rule.Rate, Metric: reading.MemUsed, Per: time.Minute, Warning: 100, Critical: math.NaN()},
		{Name: "rule3_process_nginx", Kind: rule.Process, Check: rule.CheckMissing, Comm: "nginx", Severity: reading.Warning,
			For: 30 * time.Second, Warning: math.NaN(), Critical: math.NaN()},
		{Name: "leak", Kind: rule.Process, Check: rule.CheckLeak, Cmdline: `java .*app\.jar`, Window: 2 * time.Hour, Per: time.Hour,
			Warning: math.NaN(), Critical: 5},
		{Name: "rule5_absent_disk", Kind: rule.Absent, Sensor: reading.SensorDisk, For: 2 * time.Minute, Warning: math.NaN(), Critical: math.NaN()},
	}
	if diff := cmp.Diff(want, got, nan); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
}

// TestRuleHysteresis: a hysteresis of 0 written in the file means none,
// which the analyser tells from a hysteresis left out (the default).
func TestRuleHysteresis(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("h.yaml", []byte("rules:\n  - {name: a, metric: cpu.usage, warning: 70, hysteresis: 0}\n  - {name: b, metric: cpu.usage, warning: 70}\n"))
	if err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	var got []*float64
	for i, cr := range cfg.Rules {
		got = append(got, cr.Rule(i).Hysteresis)
	}
	if diff := cmp.Diff([]*float64{&zero, nil}, got); diff != "" {
		t.Errorf("hysteresis mismatch (-want +got):\n%s", diff)
	}
}
