package store

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupsReading is a cgroups reading at t: each group's CPU %, working
// set and read rate, and events.
func cgroupsReading(t time.Time, groups map[string][3]float64, evs ...reading.Event) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCgroups, Time: t, Primary: reading.CgroupsCount, Events: evs,
		Metrics: []reading.Metric{{Name: reading.CgroupsCount, Value: float64(len(groups))}}}
	for path, v := range groups {
		ls := []reading.Label{{Name: "cgroup", Value: path}}
		r.Metrics = append(r.Metrics,
			reading.Metric{Name: reading.CgroupsCPUUsage, Labels: ls, Value: v[0], Unit: reading.Percent},
			reading.Metric{Name: reading.CgroupsMemWorkingSet, Labels: ls, Value: v[1], Unit: reading.Bytes},
			reading.Metric{Name: reading.CgroupsIOReadRate, Labels: ls, Value: v[2], Unit: reading.BytesPerSecond})
	}
	return r
}

// TestExplainCgroupsExitsEvents records six minutes at a reading every
// 10 s: /a runs at 10 % throughout; /b appears at 4m10s running at 100 %
// with 100 MB and reading 1 MB/s; the root holds both. A process killed
// by SIGKILL exits in the minute from 4m, cron in the four before; an
// OOM kill happens in the minute, a throttling burst before it. The
// minute is explained the same from the journal and once compacted.
func TestExplainCgroupsExitsEvents(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(2*time.Hour))
	var in []reading.Reading
	oom := reading.Event{Time: base.Add(280 * time.Second), Kind: reading.EventOOMKill, PID: 61, Comm: "java", Cgroup: "/b", Count: 1}
	throttled := reading.Event{Time: base.Add(100 * time.Second), Kind: reading.EventThrottled, Cgroup: "/a", Count: 3, Value: 0.5}
	for k := range 37 {
		at := base.Add(time.Duration(k) * 10 * time.Second)
		groups := map[string][3]float64{"/": {10, 50e6, 0}, "/a": {10, 50e6, 0}}
		if k >= 25 {
			groups["/"] = [3]float64{110, 150e6, 1e6}
			groups["/b"] = [3]float64{100, 100e6, 1e6}
		}
		var evs []reading.Event
		for _, e := range []reading.Event{oom, throttled} {
			if e.Time.Equal(at) {
				evs = append(evs, e)
			}
		}
		in = append(in, cgroupsReading(at, groups, evs...))
		pr := reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount,
			Processes: []reading.Process{{PID: 1, Comm: "init", Start: base.Add(-time.Hour), CPUPercent: 1}}}
		switch k {
		case 12:
			pr.Exits = &reading.Exits{Watching: true, Processes: []reading.ExitedProcess{exited(40, "cron", 2, at.Add(-time.Second), at)}}
		case 27:
			killed := exited(50, "killed", 5, base.Add(250*time.Second), at)
			killed.Signal = 9
			pr.Exits = &reading.Exits{Watching: true, Processes: []reading.ExitedProcess{killed}}
		}
		in = append(in, pr)
	}
	record(t, s, in)
	from, to := base.Add(4*time.Minute), base.Add(5*time.Minute)
	before, _ := explain.Before(from, to)
	check := func(stage string) {
		res, err := s.Explain(before, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Cgroups) != 3 {
			t.Fatalf("%s: cgroups ranked %+v, want CPU, memory and I/O", stage, res.Cgroups)
		}
		want := []struct {
			r           explain.Resource
			rise        float64
			first, then string
			delta       float64
		}{
			// /b's 100 % for the 60 s of the minute; the root, counted
			// alone as the outermost group, rose as much; /a did not change.
			{explain.CPU, 60, "/", "/b", 60},
			{explain.Memory, 100e6, "/", "/b", 100e6},
			{explain.IO, 60e6, "/", "/b", 60e6},
		}
		for i, w := range want {
			rk := res.Cgroups[i]
			if rk.Resource != w.r || !near(rk.Rise, w.rise) || len(rk.Rose) != 2 || len(rk.Fell) != 0 {
				t.Errorf("%s: %s rise %v, rose %+v, fell %+v; want %v by %s and %s", stage, rk.Resource, rk.Rise, rk.Rose, rk.Fell, w.rise, w.first, w.then)
				continue
			}
			for _, l := range rk.Rose {
				if !near(l.Delta, w.delta) || !near(l.Share, 1) || l.Kind != explain.Cgroup {
					t.Errorf("%s: %s %s delta %v share %v, want %v, 1", stage, rk.Resource, l.ID, l.Delta, l.Share, w.delta)
				}
			}
			if rk.Rose[0].ID != w.first || rk.Rose[1].ID != w.then {
				t.Errorf("%s: %s rose %s, %s; want %s, %s", stage, rk.Resource, rk.Rose[0].ID, rk.Rose[1].ID, w.first, w.then)
			}
		}
		ex := res.Exited
		if ex.Count != 1 || !near(ex.CPUSeconds, 5) || !near(ex.Before, 0.5) || len(ex.Processes) != 1 ||
			ex.Processes[0].Name != "killed" || ex.Processes[0].Signal != "SIGKILL" || ex.Processes[0].PPID != 1 || !near(ex.Processes[0].Share, 1) {
			t.Errorf("%s: exited = %+v, want killed's 5 CPU-s against cron's 2 over four minutes", stage, ex)
		}
		var kinds []reading.EventKind
		for _, e := range res.Events {
			if e.Event != nil {
				kinds = append(kinds, e.Event.Kind)
			}
		}
		if len(kinds) != 2 || kinds[0] != reading.EventProcessExit || kinds[1] != reading.EventOOMKill {
			t.Errorf("%s: events %v, want the exit on SIGKILL, then the OOM kill", stage, kinds)
		}
	}
	check("journal")
	if err := s.Compact(base.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}

func near(a, b float64) bool { return a-b < 1e-6*max(1, b) && b-a < 1e-6*max(1, b) }

// TestExitCPUInSpan: an exit that lived longer than the span counts the
// span's part of its CPU.
func TestExitCPUInSpan(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	end := base.Add(5 * time.Minute)
	record(t, s, []reading.Reading{exitsReading(end, 0, exited(8, "long", 30, end.Add(-3*time.Minute), end))})
	sp, err := s.ExplainSpan(end.Add(-time.Minute), end.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Exits) != 1 || !near(sp.Exits[0].CPUSeconds, 10) {
		t.Errorf("exits = %+v, want long's 30 CPU-s over 3 minutes, 10 of them in the last", sp.Exits)
	}
}
