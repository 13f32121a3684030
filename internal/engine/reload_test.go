package engine

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// TestSetRulesLive: rules swapped while the engine runs keep a raised
// alert raised, judge the next readings by the new bounds, and resolve
// the alerts of a rule that left; a bad rule set is refused and the old
// one stays.
func TestSetRulesLive(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		nan := math.NaN()
		cpu := &fake{name: reading.SensorCPU, read: func(_ context.Context, now time.Time, n int) (reading.Reading, error) {
			r := seqReading(reading.SensorCPU, now, n)
			r.Metrics[0].Value = 80
			return r, nil
		}}
		high := rule.Rule{Name: "cpu_high", Metric: reading.CPUUsage, Warning: 70, Critical: nan}
		other := rule.Rule{Name: "cpu_other", Metric: reading.CPUUsage, Warning: 60, Critical: nan}
		e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: cpu, Interval: time.Second}}, Rules: []rule.Rule{high, other}, SelfInterval: -1})
		c := collect(e.Subscribe("test", 64))
		stop := start(t, e)
		time.Sleep(1500 * time.Millisecond) // readings at 0 and 1 s: raised at 0

		if err := e.SetRules([]rule.Rule{high, high}); err == nil {
			t.Error("two rules of one name were accepted")
		}
		looser := high
		looser.Warning = 90
		if err := e.SetRules([]rule.Rule{looser}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		stop()
		<-c.done
		var got []string
		for _, r := range c.of(reading.SensorCPU) {
			line := r.Status.String()
			for _, tr := range r.Transitions {
				line += " " + tr.Rule + ":" + tr.From.String() + ">" + tr.To.String()
				if tr.Fact != nil && tr.Fact.Retired {
					line += "(retired)"
				}
			}
			got = append(got, line)
		}
		want := []string{
			"warning cpu_high:normal>warning cpu_other:normal>warning",
			"warning",
			"normal cpu_other:warning>normal(retired) cpu_high:warning>normal",
			"normal",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
		if rs := e.Rules(); len(rs) != 1 || rs[0].Warning != 90 {
			t.Errorf("Rules() = %+v, want the reloaded one", rs)
		}
	})
}

func TestSetSensorInterval(t *testing.T) {
	t.Parallel()
	e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: steadySensor(reading.SensorCPU), Interval: time.Second}}, SelfInterval: -1})
	if !e.SetSensorInterval(reading.SensorCPU, 3*time.Second) || health(e, reading.SensorCPU).Interval != 3*time.Second {
		t.Errorf("interval after SetSensorInterval: %v", health(e, reading.SensorCPU).Interval)
	}
	if e.SetSensorInterval("nosuch", time.Second) {
		t.Error("a sensor the engine does not run was set")
	}
}
