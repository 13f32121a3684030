package store

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestActiveAt: the alerts open at an instant are the series whose last
// transition before it left them above normal, however long ago.
func TestActiveAt(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(2*time.Hour))
	core := func(n string) []reading.Label { return []reading.Label{{Name: "cpu", Value: n}} }
	tr := func(at time.Duration, rule, metric string, labels []reading.Label, from, to reading.Status) reading.Transition {
		return reading.Transition{Rule: rule, Sensor: "cpu", Metric: metric, Labels: labels, From: from, To: to,
			Time: base.Add(at), Since: base.Add(at), Message: rule}
	}
	var in []reading.Reading
	for i, trs := range [][]reading.Transition{
		{tr(0, "busy", reading.CPUUsage, nil, reading.Normal, reading.Warning)},
		{tr(time.Minute, "core", reading.CPUCoreUsage, core("0"), reading.Normal, reading.Critical),
			tr(time.Minute, "core", reading.CPUCoreUsage, core("1"), reading.Normal, reading.Warning)},
		{tr(30*time.Minute, "busy", reading.CPUUsage, nil, reading.Warning, reading.Critical)},
		{tr(40*time.Minute, "core", reading.CPUCoreUsage, core("1"), reading.Warning, reading.Normal)},
		{tr(90*time.Minute, "busy", reading.CPUUsage, nil, reading.Critical, reading.Normal)},
	} {
		r := cpuReading(trs[0].Time, i)
		r.Transitions = trs
		in = append(in, r)
	}
	record(t, s, in)

	active := func(at time.Duration) map[string]reading.Status {
		t.Helper()
		trs, err := s.ActiveAt(base.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]reading.Status{}
		for _, tr := range trs {
			key := tr.Rule
			if len(tr.Labels) > 0 {
				key += "/" + tr.Labels[0].Value
			}
			out[key] = tr.To
		}
		return out
	}
	for _, tt := range []struct {
		at   time.Duration
		want map[string]reading.Status
	}{
		{-time.Minute, map[string]reading.Status{}},
		{0, map[string]reading.Status{}}, // before t, not at it
		{10 * time.Minute, map[string]reading.Status{"busy": reading.Warning, "core/0": reading.Critical, "core/1": reading.Warning}},
		{45 * time.Minute, map[string]reading.Status{"busy": reading.Critical, "core/0": reading.Critical}},
		{2 * time.Hour, map[string]reading.Status{"core/0": reading.Critical}},
	} {
		got := active(tt.at)
		if len(got) != len(tt.want) {
			t.Errorf("at %v: %v, want %v", tt.at, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("at %v: %v, want %v", tt.at, got, tt.want)
				break
			}
		}
	}
}
