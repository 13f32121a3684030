package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestProcDiff feeds process tables pass after pass: a start, an exit, a
// PID reused by a younger process, kernel threads, a pass listed out of
// PID order, and a flood past the cap.
func TestProcDiff(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	boot := t0.Add(-time.Hour)
	start := func(ticks uint64) time.Time { return boot.Add(time.Duration(ticks) * 10 * time.Millisecond) }
	p := func(pid, ppid int32, comm string, startTicks uint64) *procfs.ProcEntry {
		return &procfs.ProcEntry{PID: pid, PPID: ppid, Comm: comm, StartTicks: startTicks}
	}
	init1, kthreadd := p(1, 0, "systemd", 1), p(2, 0, "kthreadd", 1)
	sh := p(100, 1, "sh", 360_000-500) // started 5 s before t0
	passes := []struct {
		name    string
		entries []*procfs.ProcEntry
		want    []reading.Event
	}{
		{"baseline", []*procfs.ProcEntry{init1, kthreadd, sh}, nil},
		{"a start and a kernel thread", []*procfs.ProcEntry{init1, kthreadd, sh, p(200, 100, "make", 360_100), p(201, 2, "kworker/0:1", 360_100)},
			[]reading.Event{{Kind: reading.EventProcessStart, PID: 200, Comm: "make", Count: 1}}},
		{"an exit, the PID reused", []*procfs.ProcEntry{init1, kthreadd, p(100, 1, "cc", 360_300), p(200, 100, "make", 360_100)},
			[]reading.Event{
				{Kind: reading.EventProcessExit, PID: 100, Comm: "sh", Count: 1, Value: 9},
				{Kind: reading.EventProcessStart, PID: 100, Comm: "cc", Count: 1},
			}},
		// PIDs wrapped: the table lists the newcomers it probed for after
		// the processes it knew.
		{"listed out of PID order", []*procfs.ProcEntry{init1, kthreadd, p(200, 100, "make", 360_100), p(100, 1, "cc", 360_300), p(50, 1, "wrapped", 360_500)},
			[]reading.Event{{Kind: reading.EventProcessStart, PID: 50, Comm: "wrapped", Count: 1}}},
	}
	var d procDiff
	for i, ps := range passes {
		now := t0.Add(time.Duration(i) * 2 * time.Second)
		for j := range ps.want {
			ps.want[j].Time = now
		}
		if diff := cmp.Diff(ps.want, d.step(now, ps.entries, start, nil)); diff != "" {
			t.Errorf("%s: events mismatch (-want +got):\n%s", ps.name, diff)
		}
	}

	var flood []*procfs.ProcEntry
	for i := range procEventsCap + 8 {
		flood = append(flood, p(int32(1000+i), 1, "cc", 400_000))
	}
	now := t0.Add(time.Minute)
	got := d.step(now, flood, start, nil)
	var starts, exits, rest []reading.Event
	for _, e := range got {
		switch {
		case e.PID == 0:
			rest = append(rest, e)
		case e.Kind == reading.EventProcessStart:
			starts = append(starts, e)
		default:
			exits = append(exits, e)
		}
	}
	wantRest := []reading.Event{{Time: now, Kind: reading.EventProcessStart, Count: 8}}
	if len(starts) != procEventsCap || len(exits) != 4 || !cmp.Equal(wantRest, rest) {
		t.Errorf("flood: %d starts, %d exits, rest %+v; want %d, 4 and %+v", len(starts), len(exits), rest, procEventsCap, wantRest)
	}
}
