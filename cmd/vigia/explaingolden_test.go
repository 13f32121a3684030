package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
)

// spikeFixture is six minutes of a machine recorded every 10 s from
// start: postgres steady at 20 % in /system.slice/postgresql.service;
// from 4m10s a build in /user.slice/user-1000.slice/session-2.scope, make
// at 100 % growing to 400 MB and writing 2 MB/s, its short cc1 children
// exiting two a pass (one killed by SIGSEGV, with a hostile name); an
// OOM kill in the build's group at 4m40s, and the CPU alert raised at
// 4m30s. The root cgroup holds both slices.
func spikeFixture(start time.Time) []reading.Reading {
	const (
		pg    = "/system.slice/postgresql.service"
		build = "/user.slice/user-1000.slice/session-2.scope"
	)
	var rs []reading.Reading
	for k := range 37 {
		at := start.Add(time.Duration(k) * 10 * time.Second)
		building := k >= 25
		ps := []reading.Process{{PID: 77, Comm: "postgres", Cmdline: "postgres -D /srv", User: "pg", CPUPercent: 20, RSS: 512 << 20,
			Start: start.Add(-time.Hour), Cgroup: pg}}
		groups := map[string][3]float64{"/": {20, 600 << 20, 0}, "/system.slice": {20, 560 << 20, 0}, pg: {20, 512 << 20, 0}}
		if building {
			rss := float64(k-24) * 40e6
			ps = append(ps, reading.Process{PID: 4800, PPID: 900, Comm: "make", Cmdline: "make -j2", User: "ana", CPUPercent: 100,
				RSS: uint64(rss), WriteRate: 2e6, Start: start.Add(250 * time.Second), Cgroup: build})
			groups["/"] = [3]float64{120, 600<<20 + rss, 2e6}
			groups["/user.slice"] = [3]float64{100, rss, 2e6}
			groups[build] = [3]float64{100, rss, 2e6}
		}
		rs = append(rs, cgroupsFixture(at, groups))
		pr := reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount, Processes: ps,
			Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: float64(len(ps))}}}
		if building && k > 25 {
			cc := func(pid int32, comm string, cpu float64) reading.ExitedProcess {
				return reading.ExitedProcess{PID: pid, PPID: 4800, Comm: comm, Cmdline: comm + " -O2 x.c", Start: at.Add(-8 * time.Second),
					Exit: at.Add(-time.Second), Lifetime: 7, CPUTime: cpu, ReadBytes: 1 << 20, WriteBytes: 256 << 10, Final: true}
			}
			ex := []reading.ExitedProcess{cc(int32(5000+k), "cc1", 1.5)}
			if k == 27 {
				crash := cc(int32(6000+k), "cc1\x1b[2J", 0.25)
				crash.Signal, crash.CoreDumped = 11, true
				ex = append(ex, crash)
			}
			pr.Exits = &reading.Exits{Watching: true, Processes: ex}
		}
		if k == 27 {
			pr.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning,
				Value: 93, Threshold: 90, Time: at, Since: at, Message: "cpu.usage is 93%, above the warning bound 90%"}}
		}
		if k == 28 {
			rs[len(rs)-1].Events = []reading.Event{{Time: at, Kind: reading.EventOOMKill, PID: 4811, Comm: "ld", Cgroup: build,
				Unit: "session-2.scope", Count: 1}}
		}
		rs = append(rs, pr)
	}
	return rs
}

// cgroupsFixture is a cgroups reading at t: each group's CPU %, working
// set and written bytes per second.
func cgroupsFixture(t time.Time, groups map[string][3]float64) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCgroups, Time: t, Primary: reading.CgroupsCount,
		Metrics: []reading.Metric{{Name: reading.CgroupsCount, Value: float64(len(groups))}}}
	for _, path := range []string{"/", "/system.slice", "/system.slice/postgresql.service", "/user.slice", "/user.slice/user-1000.slice/session-2.scope"} {
		v, ok := groups[path]
		if !ok {
			continue
		}
		ls := []reading.Label{{Name: "cgroup", Value: path}}
		r.Metrics = append(r.Metrics,
			reading.Metric{Name: reading.CgroupsCPUUsage, Labels: ls, Value: v[0], Unit: reading.Percent},
			reading.Metric{Name: reading.CgroupsMemWorkingSet, Labels: ls, Value: v[1], Unit: reading.Bytes},
			reading.Metric{Name: reading.CgroupsIOWriteRate, Labels: ls, Value: v[2], Unit: reading.BytesPerSecond})
	}
	return r
}

// TestReportExplainGolden records spikeFixture and writes report
// --explain over the minute of the build and report over the six minutes,
// in a zone other than UTC: the build leads the processes and its group
// the cgroups, the exits and the events are listed, every name printable.
func TestReportExplainGolden(t *testing.T) {
	t.Parallel()
	loc := zone(t, "Asia/Kolkata")
	start := time.Date(2026, 3, 14, 2, 56, 0, 0, loc)
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rs := spikeFixture(start)
	ch := make(chan reading.Reading, len(rs))
	for _, r := range rs {
		ch <- r
	}
	close(ch)
	if err := s.Record(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	s.Close()
	now := start.Add(time.Hour)
	var all []byte
	for _, args := range [][]string{
		{"report", "--explain", "--at", "03:01"},
		{"report", "--from", "02:56", "--to", "03:03"},
	} {
		out, errOut, code := runIn(t, now, append(args, "--db", path)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		golden.Printable(t, args[len(args)-1], out)
		all = append(all, "$ vigia "+strings.Join(args, " ")+"\n"...)
		all = append(all, out...)
	}
	golden.Check(t, filepath.Join("testdata", "explain-report.golden"), all)
}
