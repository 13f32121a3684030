package sensor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// TestCgroupsRuleByUnit checks that a rule aimed at one unit's memory
// against its limit sees that unit alone: nginx.service's working set is
// 77 % of its memory.max in the fixture, the Kubernetes pod's 27 %.
func TestCgroupsRuleByUnit(t *testing.T) {
	_, pfs := copyMachine(t, "cgroups")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		unit string
		want reading.Status
	}{
		{"nginx.service", reading.Warning},
		{"cri-containerd-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0.scope", reading.Normal},
	} {
		ev := rule.NewEvaluator([]rule.Rule{{Name: "unit_memory", Metric: reading.CgroupsMemUsedPercent, Warning: 70, Critical: 90,
			Match: []reading.Label{{Name: "unit", Value: tt.unit}}}})
		st, trs := ev.Eval(r, r.Time)
		if st != tt.want {
			t.Errorf("%s: status %v, want %v (transitions %+v)", tt.unit, st, tt.want, trs)
		}
		for _, tr := range trs {
			if got := reading.Labels(tr.Labels).Value("unit"); got != tt.unit {
				t.Errorf("%s: transition on unit %q", tt.unit, got)
			}
		}
	}
}
