package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestExitTracker(t *testing.T) {
	t.Parallel()
	boot := time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)
	wall := func(n uint64) time.Time { return boot.Add(time.Duration(n)) }
	// /proc as the tracker finds it: make runs cc; 30 is gone by its exit;
	// 40 started before the subscription and is a zombie at its exit.
	procs := map[int32]procLook{
		10: {PPID: 1, Comm: "make", Cmdline: "make -j2", CPUTime: 1},
		20: {PPID: 10, Comm: "cc", Cmdline: "cc -c a.c", CPUTime: 0.01},
		40: {PPID: 1, Comm: "old", Cmdline: "[old]", Start: boot.Add(time.Second), CPUTime: 7, ReadBytes: 4096, WriteB: 8192},
	}
	x := newExitTracker(func(pid int32, _ bool) (procLook, bool) { l, ok := procs[pid]; return l, ok }, wall, func() uint64 { return 0 })
	ms := uint64(time.Millisecond)
	for _, ev := range []procfs.ProcEvent{
		{Kind: procfs.ProcEventExec, Nanos: 1 * ms, PID: 10, TGID: 10},
		{Kind: procfs.ProcEventFork, Nanos: 100 * ms, ParentPID: 10, ParentTGID: 10, PID: 20, TGID: 20},
		{Kind: procfs.ProcEventFork, Nanos: 101 * ms, ParentPID: 20, ParentTGID: 20, PID: 21, TGID: 20}, // a thread of cc
		{Kind: procfs.ProcEventExec, Nanos: 102 * ms, PID: 20, TGID: 20},
		{Kind: procfs.ProcEventExit, Nanos: 110 * ms, PID: 21, TGID: 20},
		{Kind: procfs.ProcEventFork, Nanos: 200 * ms, ParentPID: 10, ParentTGID: 10, PID: 30, TGID: 30},
	} {
		x.handle(ev)
	}
	procs[20] = procLook{PPID: 10, Comm: "cc", Cmdline: "", CPUTime: 0.02, WriteB: 512} // a zombie: no cmdline
	x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, Nanos: 120 * ms, PID: 20, TGID: 20, ExitCode: 1 << 8, ParentPID: 10, ParentTGID: 10})
	x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, Nanos: 250 * ms, PID: 30, TGID: 30, ExitCode: 0x80 | 11, ParentPID: 10, ParentTGID: 10})
	x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, Nanos: 3 * uint64(time.Second), PID: 40, TGID: 40, ExitCode: 9})
	x.lose()

	want := &reading.Exits{Watching: true, Lost: 1, Processes: []reading.ExitedProcess{
		{PID: 20, PPID: 10, Comm: "cc", Cmdline: "cc -c a.c", Start: wall(100 * ms), Exit: wall(120 * ms), Lifetime: 0.02,
			CPUTime: 0.02, WriteBytes: 512, Final: true, Status: 1},
		{PID: 30, PPID: 10, Comm: "make", Cmdline: "make -j2", Start: wall(200 * ms), Exit: wall(250 * ms), Lifetime: 0.05,
			Signal: 11, CoreDumped: true},
		{PID: 40, PPID: 1, Comm: "old", Cmdline: "[old]", Start: boot.Add(time.Second), Exit: boot.Add(3 * time.Second), Lifetime: 2,
			CPUTime: 7, ReadBytes: 4096, WriteBytes: 8192, Final: true, Signal: 9},
	}}
	if diff := cmp.Diff(want, x.drain()); diff != "" {
		t.Errorf("drain() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&reading.Exits{Watching: true, Processes: []reading.ExitedProcess{}}, x.drain()); diff != "" {
		t.Errorf("second drain() mismatch (-want +got):\n%s", diff)
	}
}

// TestExitTrackerBusy: busy is called once as the exits waiting for the
// next walk reach exitsBusy, and again only after a walk took them.
func TestExitTrackerBusy(t *testing.T) {
	t.Parallel()
	x := newExitTracker(func(int32, bool) (procLook, bool) { return procLook{}, false }, func(uint64) time.Time { return time.Time{} }, func() uint64 { return 0 })
	calls := 0
	x.busy = func() { calls++ }
	exit := func(n int) {
		for range n {
			pid := int32(1000 + calls*exitsBusy + len(x.exited))
			x.handle(procfs.ProcEvent{Kind: procfs.ProcEventExit, PID: pid, TGID: pid})
		}
	}
	exit(exitsBusy - 1)
	if calls != 0 {
		t.Fatalf("busy called with %d exits waiting, below %d", exitsBusy-1, exitsBusy)
	}
	exit(2)
	if calls != 1 {
		t.Fatalf("busy called %d times as %d exits waited, want once", calls, exitsBusy+1)
	}
	x.drain()
	exit(exitsBusy)
	if calls != 2 {
		t.Errorf("busy called %d times in all after a walk took the exits and as many came again, want 2", calls)
	}
}
