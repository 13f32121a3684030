package rule

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestAbsentSensor(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "disk_down", Kind: Absent, Sensor: reading.SensorDisk, For: time.Minute}
	ev := NewEvaluator([]Rule{rl})
	s := time.Second
	disk := func(err string) reading.Reading {
		r := fsReading(0, map[string]float64{"/": 50})
		r.Err = err
		if err != "" {
			r.Metrics = nil
		}
		return r
	}
	steps := []struct {
		at   time.Duration
		r    reading.Reading
		want reading.Status
	}{
		{0, disk(""), reading.Normal},
		// The supervisor sends one reading when the sensor goes stale, then
		// nothing: the alert is raised on another sensor's reading.
		{5 * s, disk("stale: read took longer than 2s"), reading.Unknown},
		{30 * s, cpuReading(0, 10, ""), reading.Normal},
		{65 * s, cpuReading(0, 10, ""), reading.Normal},
		{70 * s, cpuReading(0, 10, ""), reading.Normal},
		{80 * s, disk(""), reading.Normal},
	}
	var got []string
	for _, st := range steps {
		now := t0.Add(st.at)
		status, trs := ev.Eval(st.r, now)
		if status != st.want {
			t.Errorf("at %v: status %v, want %v", st.at, status, st.want)
		}
		for _, tr := range trs {
			if tr.Sensor != reading.SensorDisk || tr.Rule != "disk_down" {
				t.Errorf("transition names sensor %q rule %q, want disk, disk_down", tr.Sensor, tr.Rule)
			}
		}
		got = append(got, trace(now, trs)...)
	}
	want := []string{
		"1m5s normal>critical : sensor disk is stale: read took longer than 2s (for 1m0s)",
		"1m20s critical>normal : sensor disk is reporting again",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}

func TestAbsentSensorFailedReadingStatus(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "cpu_down", Kind: Absent, Sensor: reading.SensorCPU, Severity: reading.Warning}
	ev := NewEvaluator([]Rule{rl})
	st, trs := ev.Eval(cpuReading(0, 0, "open /proc/stat: permission denied"), t0)
	want := []string{"0s normal>warning : sensor cpu has failed: open /proc/stat: permission denied (for 0s)"}
	if diff := cmp.Diff(want, trace(t0, trs)); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
	if st != reading.Warning {
		t.Errorf("status %v, want warning: the failed reading carries its alert", st)
	}
}

func TestAbsentTick(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "net_down", Kind: Absent, Sensor: reading.SensorNetwork, For: 10 * time.Second}
	ev := NewEvaluator([]Rule{rl})
	ev.Eval(reading.Reading{Sensor: reading.SensorNetwork, Err: "boom"}, t0)
	if trs := ev.Tick(t0.Add(5 * time.Second)); len(trs) != 0 {
		t.Errorf("Tick before For: %v", trs)
	}
	trs := ev.Tick(t0.Add(10 * time.Second))
	if len(trs) != 1 || trs[0].To != reading.Critical || trs[0].Sensor != reading.SensorNetwork {
		t.Errorf("Tick after For = %+v, want one critical alert on network", trs)
	}
	if trs := ev.Tick(t0.Add(20 * time.Second)); len(trs) != 0 {
		t.Errorf("Tick again raised again: %v", trs)
	}
}

func TestAbsentMetric(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "data_mounted", Kind: Absent, Metric: reading.FSUsedPercent,
		Match: []reading.Label{{Name: "mountpoint", Value: "/home"}}, For: 20 * time.Second}
	ev := NewEvaluator([]Rule{rl})
	both := map[string]float64{"/": 10, "/home": 10}
	root := map[string]float64{"/": 10}
	steps := []struct {
		at   time.Duration
		used map[string]float64
	}{
		{0, both}, {10 * time.Second, root}, {20 * time.Second, root}, {30 * time.Second, root}, {40 * time.Second, both},
	}
	var got []string
	for _, s := range steps {
		now := t0.Add(s.at)
		_, trs := ev.Eval(fsReading(0, s.used), now)
		got = append(got, trace(now, trs)...)
	}
	want := []string{
		`30s normal>critical mountpoint=/home: fs.used_percent{mountpoint="/home"} has not been reported for 20s`,
		`40s critical>normal mountpoint=/home: fs.used_percent{mountpoint="/home"} is reported again`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}

// TestAbsentKeepsOtherStates: a failed reading must not resolve or reset
// the sensor's threshold alerts, as before absent rules existed.
func TestAbsentKeepsOtherStates(t *testing.T) {
	t.Parallel()
	rules := append(Defaults(), Rule{Name: "cpu_down", Kind: Absent, Sensor: reading.SensorCPU, For: time.Hour})
	ev := NewEvaluator(rules)
	if _, trs := ev.Eval(cpuReading(0, 95, ""), t0); len(trs) != 1 {
		t.Fatalf("want cpu_high raised, got %v", trs)
	}
	if st, trs := ev.Eval(cpuReading(time.Second, 0, "boom"), t0.Add(time.Second)); st != reading.Unknown || len(trs) != 0 {
		t.Errorf("failed reading: status %v transitions %v, want unknown and none", st, trs)
	}
	if st, trs := ev.Eval(cpuReading(2*time.Second, 95, ""), t0.Add(2*time.Second)); st != reading.Critical || len(trs) != 0 {
		t.Errorf("after recovery: status %v transitions %v, want critical kept and no transition", st, trs)
	}
}
