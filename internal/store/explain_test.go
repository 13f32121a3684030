package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestExplain records six minutes at one procs reading every 10 s: idle
// runs throughout at 10 %, old at 20 % reading 100 kB/s until 4m20s and
// then ends, spin starts at 4m05s and runs at 100 % writing 1 MB/s, blip
// lives from 4m32s to 4m40s. The minute from 4m against the four
// before it is explained the same from the journal and once compacted.
func TestExplain(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(2*time.Hour))
	early := base.Add(-time.Hour)
	var in []reading.Reading
	for k := range 37 {
		at := base.Add(time.Duration(k) * 10 * time.Second)
		ps := []reading.Process{{PID: 1, Comm: "idle", Start: early, CPUPercent: 10, RSS: 10e6}}
		if k <= 26 {
			ps = append(ps, reading.Process{PID: 3, Comm: "old", Start: early, CPUPercent: 20, RSS: 60e6, ReadRate: 1e5})
		}
		if k >= 25 {
			ps = append(ps, reading.Process{PID: 2, Comm: "spin", Start: base.Add(4*time.Minute + 5*time.Second), CPUPercent: 100, RSS: 2e6, WriteRate: 1e6})
		}
		if k == 28 { // blip lives 8 s between two readings, seen once
			ps = append(ps, reading.Process{PID: 4, Comm: "blip", Start: base.Add(272 * time.Second), CPUTime: 4, RSS: 6e6})
		}
		r := reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount, Processes: ps}
		if k == 27 {
			r.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning, Time: at, Since: at}}
		}
		in = append(in, r)
	}
	record(t, s, in)
	from, to := base.Add(4*time.Minute), base.Add(5*time.Minute)
	before, _ := explain.Before(from, to)
	old := explain.Subject{Kind: explain.Process, ID: "2", Name: "old", PID: 3}
	spin := explain.Subject{Kind: explain.Process, ID: "3", Name: "spin", PID: 2}
	blip := explain.Subject{Kind: explain.Process, ID: "4", Name: "blip", PID: 4}
	at := base.Add(270 * time.Second)
	want := explain.Result{
		From: from, To: to, BeforeFrom: before,
		Ranked: []explain.Ranked{
			// idle's 24 CPU-s in four minutes are its 6 in one: no change.
			// blip's first and only sighting has no CPU %, but its CPU
			// time since it started in the window: 4 CPU-s.
			{Resource: explain.CPU, Rise: 64, Fall: -8, Rose: []explain.Line{
				{Subject: spin, After: 60, Delta: 60, Share: 60.0 / 64, Started: true},
				{Subject: blip, After: 4, Delta: 4, Share: 4.0 / 64, Started: true, Exited: true},
			}, Fell: []explain.Line{
				{Subject: old, Before: 12, After: 4, Delta: -8, Share: 1, Exited: true},
			}},
			// old's 60 MB for 20 s of the minute are 20 MB over it.
			{Resource: explain.Memory, Rise: 3e6, Fall: -40e6, Rose: []explain.Line{
				{Subject: spin, After: 2e6, Delta: 2e6, Share: 2.0 / 3, Started: true},
				{Subject: blip, After: 1e6, Delta: 1e6, Share: 1.0 / 3, Started: true, Exited: true},
			}, Fell: []explain.Line{
				{Subject: old, Before: 60e6, After: 20e6, Delta: -40e6, Share: 1, Exited: true},
			}},
			// spin's 1 MB/s for the 60 s its CPU counts; old's 100 kB/s for
			// 240 s before (6 MB in a minute), 20 s in the window.
			{Resource: explain.IO, Rise: 60e6, Fall: -4e6, Rose: []explain.Line{
				{Subject: spin, After: 60e6, Delta: 60e6, Share: 1, Started: true},
			}, Fell: []explain.Line{
				{Subject: old, Before: 6e6, After: 2e6, Delta: -4e6, Share: 1, Exited: true},
			}},
		},
		// Without the kernel's process events recorded, the ends the
		// table's passes saw stand in.
		Exited: explain.Exited{Count: 2, CPUSeconds: 8, Delta: 8, Processes: []explain.Exit{
			{Subject: old, CPUSeconds: 4, Count: 1, Share: 0.5},
			{Subject: blip, CPUSeconds: 4, Count: 1, Share: 0.5},
		}},
		Events: []explain.Event{{Time: at, Transition: &reading.Transition{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning, Time: at, Since: at}}},
	}
	check := func(stage string) {
		got, err := s.Explain(before, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateEmpty(), cmpopts.EquateApproxTime(0)); diff != "" {
			t.Errorf("%s: Explain mismatch (-want +got):\n%s", stage, diff)
		}
	}
	check("journal")
	if err := s.Compact(base.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}

// hourDB records an hour of a machine with 1000 processes (top lists of
// the default size at 1 s), compacted as the recorder does, for the
// explain benchmarks.
func hourDB(b *testing.B) (*Store, time.Time) {
	b.Helper()
	start := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	sim := newSim(b, filepath.Join(b.TempDir(), "hour.db"), 1000, start)
	sim.run(b, time.Hour, nopTimer{})
	b.Cleanup(func() { sim.s.Close() })
	return sim.s, sim.now
}

// BenchmarkExplainMinute is `vigia report --explain --at T` (and the TUI's
// e key): a minute against the four before it, from the compacted top
// lists of an hour with 1000 processes.
func BenchmarkExplainMinute(b *testing.B) {
	s, end := hourDB(b)
	from, to := explain.At(end.Add(-20 * time.Minute))
	before, _ := explain.Before(from, to)
	b.ResetTimer()
	for range b.N {
		res, err := s.Explain(before, from, to)
		if err != nil || len(res.Ranked) == 0 || len(res.Ranked[0].Rose)+len(res.Ranked[0].Fell) == 0 {
			b.Fatalf("Explain: %v, %+v", err, res)
		}
	}
}

// BenchmarkExplainTenMinutes explains ten minutes against the forty
// before them.
func BenchmarkExplainTenMinutes(b *testing.B) {
	s, end := hourDB(b)
	from, to := end.Add(-10*time.Minute), end
	before, _ := explain.Before(from, to)
	b.ResetTimer()
	for range b.N {
		if _, err := s.Explain(before, from, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExplainMinuteCgroups is BenchmarkExplainMinute on a machine
// whose cgroups sensor records 200 groups (about 7,400 series): the
// groups' usage comes from their series, the journal read once for all.
func BenchmarkExplainMinuteCgroups(b *testing.B) {
	start := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	sim := newSim(b, filepath.Join(b.TempDir(), "hour.db"), 1000, start)
	sim.m.withCgroups(200, start)
	sim.run(b, time.Hour, nopTimer{})
	b.Cleanup(func() { sim.s.Close() })
	for _, at := range []struct {
		name string
		t    time.Time
	}{{"compacted", sim.now.Add(-20 * time.Minute)}, {"journal", sim.now}} {
		b.Run(at.name, func(b *testing.B) {
			from, to := explain.At(at.t)
			before, _ := explain.Before(from, to)
			for range b.N {
				res, err := sim.s.Explain(before, from, to)
				if err != nil || len(res.Cgroups) == 0 || len(res.Cgroups[0].Rose)+len(res.Cgroups[0].Fell) == 0 {
					b.Fatalf("Explain: %v, cgroups %+v", err, res.Cgroups)
				}
			}
		})
	}
}
