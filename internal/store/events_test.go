package store

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// procsAt is a processes reading at with the table ps.
func procsAt(at time.Time, ps ...reading.Process) reading.Reading {
	return reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount, Processes: ps,
		Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: float64(len(ps))}}}
}

// TestEvents records an OOM kill, a throttling burst, processes that start
// and end and an alert, and reads them back as one timeline, whole and by
// kind.
func TestEvents(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	t1, t2, t3 := base.Add(2*time.Second), base.Add(4*time.Second), base.Add(6*time.Second)
	sh := reading.Process{PID: 10, Comm: "sh", Start: base.Add(-time.Minute)}
	cc := reading.Process{PID: 11, Comm: "cc", Start: base.Add(3 * time.Second)}
	oom := reading.Event{Time: t2, Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 1}
	burst := reading.Event{Time: t1, Kind: reading.EventThrottled, Cgroup: "/a", Count: 20, Value: 1.5}
	cg := reading.Reading{Sensor: reading.SensorCgroups, Time: t2, Events: []reading.Event{burst, oom},
		Metrics: []reading.Metric{{Name: reading.CgroupsCount, Value: 2}}}
	tr := reading.Transition{Rule: "mem", Sensor: reading.SensorMemory, Metric: reading.MemUsedPercent, From: reading.Normal, To: reading.Warning,
		Value: 91, Time: t3, Since: t3, Message: "memory above 90%"}
	mem := reading.Reading{Sensor: reading.SensorMemory, Time: t3, Transitions: []reading.Transition{tr}}
	record(t, s, []reading.Reading{
		procsAt(t1, sh),
		procsAt(t2, sh, cc),
		cg,
		procsAt(t3, cc),
		mem,
	})

	all := []reading.Event{
		burst,
		{Time: t2, Kind: reading.EventProcessStart, PID: 11, Comm: "cc", Count: 1}, // timed by its start, 3 s
		oom,
		{Time: t2, Kind: reading.EventProcessExit, PID: 10, Comm: "sh", Count: 1, Value: 64},
		reading.TransitionEvent(tr),
	}
	all[1].Time = cc.Start
	got, err := s.Events(base, base.Add(time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("Events mismatch (-want +got):\n%s", diff)
	}

	got, err = s.Events(base, base.Add(time.Minute), []reading.EventKind{reading.EventOOMKill, reading.EventProcessExit})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != reading.EventOOMKill || got[1].Kind != reading.EventProcessExit {
		t.Errorf("Events of two kinds = %+v", got)
	}
	if got, _ := s.Events(t3.Add(time.Second), base.Add(time.Minute), nil); len(got) != 0 {
		t.Errorf("Events after the last = %+v", got)
	}

	rep, err := s.Report(base, base.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]reading.Event{burst, oom}, rep.Events, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" || rep.EventCount != 2 {
		t.Errorf("report events (count %d) mismatch (-want +got):\n%s", rep.EventCount, diff)
	}
}

// TestReplayEvents: readings replayed from the history carry the events
// they carried when recorded, a process's start and end on the processes
// reading that saw them.
func TestReplayEvents(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	t1, t2, t3 := base.Add(2*time.Second), base.Add(4*time.Second), base.Add(6*time.Second)
	sh := reading.Process{PID: 10, Comm: "sh", Start: base.Add(-time.Minute)}
	cc := reading.Process{PID: 11, Comm: "cc", Start: base.Add(3 * time.Second)}
	oom := reading.Event{Time: t2, Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/a", Count: 1}
	record(t, s, []reading.Reading{
		procsAt(t1, sh),
		{Sensor: reading.SensorCgroups, Time: t2, Events: []reading.Event{oom}, Metrics: []reading.Metric{{Name: reading.CgroupsCount, Value: 1}}},
		procsAt(t2, sh, cc),
		procsAt(t3, cc),
	})
	got := map[string][]reading.Event{}
	for r, err := range s.Readings(base, base.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Events) > 0 {
			got[r.Sensor+"@"+r.Time.UTC().Format("05")] = r.Events
		}
	}
	want := map[string][]reading.Event{
		"cgroups@04":   {oom},
		"processes@04": {{Time: t2, Kind: reading.EventProcessStart, PID: 11, Comm: "cc", Count: 1}},
		"processes@06": {{Time: t3, Kind: reading.EventProcessExit, PID: 10, Comm: "sh", Count: 1, Value: 64}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("replayed events mismatch (-want +got):\n%s", diff)
	}
}
