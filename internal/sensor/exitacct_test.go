package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestExitTrackerTaskstats: with a taskstats listener each exit takes its
// CPU and I/O from its record, whichever comes first; a multi-threaded
// process sums its threads' once the last has come, a single-threaded one
// its own once acctSettle has passed; an exit whose record does not come
// goes out after the grace with what /proc had at its exec; a record of an earlier
// process of the same PID is not taken; overflows are counted.
func TestExitTrackerTaskstats(t *testing.T) {
	t.Parallel()
	boot := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	wall := func(n uint64) time.Time { return boot.Add(time.Duration(n)) }
	sec := uint64(time.Second)
	bootSec := boot.Unix()
	var now uint64
	// /proc still has the zombie 60 at its exit, but with taskstats the
	// tracker does not read it there.
	procs := map[int32]procLook{60: {PPID: 1, Comm: "slow", CPUTime: 0.5, ReadBytes: 10}}
	x := newExitTracker(func(pid int32, _ bool) (procLook, bool) { l, ok := procs[pid]; return l, ok }, wall, func() uint64 { return now })
	x.taskstats = true
	fork := func(pid int32, at uint64) {
		x.handle(procfs.ProcEvent{Kind: procfs.ProcEventFork, Nanos: at, ParentPID: 1, ParentTGID: 1, PID: pid, TGID: pid})
	}
	exit := func(pid int32, at uint64) {
		now = at
		x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, Nanos: at, PID: pid, TGID: pid, ParentPID: 1, ParentTGID: 1})
	}
	rec := func(pid, tgid int32, begin int64, user uint64, dead bool) procfs.TaskExit {
		return procfs.TaskExit{Version: 16, PID: pid, TGID: tgid, PPID: 1, Comm: "c", Begin: begin, Elapsed: 1000,
			User: user, System: 1000, RunVirtual: 1000 * (user + 1000), ReadBytes: uint64(pid), WriteBytes: 2 * uint64(pid), GroupDead: dead}
	}

	// 50: the record first, then the exit.
	fork(50, 10*sec)
	now = 10*sec + 1
	x.account(rec(50, 50, bootSec+10, 9000, false))
	exit(50, 10*sec+2)
	// 70: three threads killed together; the leader's record comes first,
	// then the exit, then the others', the last with the group's aggregate.
	fork(70, 11*sec)
	now = 13 * sec
	x.account(rec(70, 70, bootSec+11, 3000, false))
	exit(70, 13*sec)
	x.account(rec(71, 70, bootSec+12, 1000, false))
	x.account(rec(72, 70, bootSec+12, 2000, true))
	// 90: one thread, its record just now: whole only after acctSettle.
	fork(90, 14*sec)
	now = 14 * sec
	x.account(rec(90, 90, bootSec+14, 500, false))
	exit(90, 14*sec+1)
	// 80: a record of an earlier process 80 (begun an hour before), which
	// must not be taken for the new one.
	x.account(rec(80, 80, bootSec-3600, 99_000_000, false))
	fork(80, 14*sec)
	exit(80, 14*sec+5)
	// 60: exits with no record at all.
	exit(60, 14*sec+6)
	x.loseAcct()

	got := x.drain()
	want := &reading.Exits{Watching: true, Taskstats: true, TaskstatsLost: 1, TaskstatsLostTotal: 1, Processes: []reading.ExitedProcess{
		{PID: 50, PPID: 1, Comm: "c", Start: wall(10 * sec), Exit: wall(10*sec + 2), Lifetime: 2e-9, CPUTime: 0.01,
			ReadBytes: 50, WriteBytes: 100, Final: true, Taskstats: true},
		{PID: 70, PPID: 1, Comm: "c", Start: wall(11 * sec), Exit: wall(13 * sec), Lifetime: 2, CPUTime: 0.009,
			ReadBytes: 70 + 71 + 72, WriteBytes: 2 * (70 + 71 + 72), Final: true, Taskstats: true},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drain() at once (-want +got):\n%s", diff)
	}
	now += acctSettle
	got = x.drain()
	want = &reading.Exits{Watching: true, Taskstats: true, TaskstatsLostTotal: 1, Processes: []reading.ExitedProcess{
		{PID: 90, PPID: 1, Comm: "c", Start: wall(14 * sec), Exit: wall(14*sec + 1), Lifetime: 1e-9, CPUTime: 0.0015,
			ReadBytes: 90, WriteBytes: 180, Final: true, Taskstats: true},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drain() after acctSettle (-want +got):\n%s", diff)
	}
	now += acctGrace
	got = x.drain()
	want = &reading.Exits{Watching: true, Taskstats: true, TaskstatsLostTotal: 1, Processes: []reading.ExitedProcess{
		{PID: 80, PPID: 1, Start: wall(14 * sec), Exit: wall(14*sec + 5), Lifetime: 5e-9},
		{PID: 60, PPID: 1, Exit: wall(14*sec + 6)},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drain() after the grace (-want +got):\n%s", diff)
	}
	now += acctKeep
	x.drain()
	if len(x.acct) != 0 || len(x.waiting) != 0 {
		t.Errorf("after acctKeep: %d records, %d exits still held", len(x.acct), len(x.waiting))
	}
}

// BenchmarkExitWithTaskstats is the tracker's work for one exit of a
// single-threaded process beyond the connector's: its record summed,
// matched to its exit and filled in at the drain (a drain every 256 exits).
func BenchmarkExitWithTaskstats(b *testing.B) {
	for _, acct := range []bool{false, true} {
		name := "connector"
		if acct {
			name = "connector+taskstats"
		}
		b.Run(name, func(b *testing.B) {
			var now uint64
			wall := func(n uint64) time.Time { return time.Unix(0, int64(n)) }
			x := newExitTracker(func(int32, bool) (procLook, bool) { return procLook{}, false }, wall, func() uint64 { return now })
			x.taskstats = acct
			i := 0
			for b.Loop() {
				pid := int32(1000 + i%30000)
				now += uint64(time.Millisecond)
				x.handle(procfs.ProcEvent{Kind: procfs.ProcEventFork, Nanos: now, ParentPID: 1, ParentTGID: 1, PID: pid, TGID: pid})
				if acct {
					x.account(procfs.TaskExit{Version: 16, PID: pid, TGID: pid, PPID: 1, Comm: "true", Begin: int64(now / 1e9),
						Elapsed: 1000, User: 100, System: 900, RunVirtual: 1_000_000, ReadBytes: 4096})
				}
				x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, Nanos: now, PID: pid, TGID: pid, ParentPID: 1, ParentTGID: 1})
				if i++; i%256 == 0 {
					now += acctSettle
					x.drain()
				}
			}
		})
	}
}
