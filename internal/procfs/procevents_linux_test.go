package procfs

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// TestProcEventsSeesAnExit runs as root only: the connector takes
// CAP_NET_ADMIN. It starts a child that exits with status 3 and waits to
// read its fork, exec and exit.
func TestProcEventsSeesAnExit(t *testing.T) {
	t.Parallel()
	p, err := ListenProcEvents()
	if errors.Is(err, ErrNoProcEvents) {
		t.Skipf("not permitted here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cmd := exec.Command("sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := int32(cmd.Process.Pid)
	cmd.Wait()
	got := map[ProcEventKind]ProcEvent{}
	timer := time.AfterFunc(10*time.Second, func() { p.Close() })
	defer timer.Stop()
	var evs []ProcEvent
	for len(got) < 3 {
		evs, err = p.Read(evs[:0])
		if errors.Is(err, os.ErrClosed) {
			t.Fatalf("no fork, exec and exit of pid %d within 10 s; saw %+v", pid, got)
		}
		if err != nil && !errors.Is(err, ErrProcEventsLost) {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.TGID == pid && ev.PID == pid {
				got[ev.Kind] = ev
			}
		}
	}
	exit := got[ProcEventExit]
	if exit.ExitCode != 3<<8 || exit.ParentTGID != int32(os.Getpid()) {
		t.Errorf("exit event %+v, want exit code %d and parent %d", exit, 3<<8, os.Getpid())
	}
	if fork := got[ProcEventFork]; fork.ParentTGID != int32(os.Getpid()) || fork.Nanos > exit.Nanos {
		t.Errorf("fork event %+v, exit %+v", fork, exit)
	}
}

// TestProcEventsFilterDropsThreads runs as root only. Threads of this test
// start and end, then a child runs: a listener without the filter sees the
// threads' events, the filtered one sees none of any thread of the machine
// and still the child's fork, exec and exit.
func TestProcEventsFilterDropsThreads(t *testing.T) {
	t.Parallel()
	listen := func(filtered bool) *ProcEvents {
		p, err := listenProcEvents(filtered)
		if errors.Is(err, ErrNoProcEvents) {
			t.Skipf("not permitted here: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	all, filtered := listen(false), listen(true)

	// A goroutine that ends locked to its thread ends the thread; the next
	// ones need new threads.
	for range 4 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			runtime.LockOSThread()
		}()
		<-done
	}
	cmd := exec.Command("sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child := int32(cmd.Process.Pid)
	cmd.Wait()

	// read returns what p delivered up to the child's exit.
	read := func(p *ProcEvents) []ProcEvent {
		timer := time.AfterFunc(10*time.Second, func() { p.Close() })
		defer timer.Stop()
		var seen, evs []ProcEvent
		for {
			var err error
			evs, err = p.Read(evs[:0])
			if errors.Is(err, os.ErrClosed) {
				t.Fatalf("no exit of pid %d within 10 s", child)
			}
			if err != nil && !errors.Is(err, ErrProcEventsLost) {
				t.Fatal(err)
			}
			seen = append(seen, evs...)
			for _, ev := range evs {
				if ev.Kind == ProcEventExit && ev.PID == child {
					return seen
				}
			}
		}
	}
	self := int32(os.Getpid())
	threads := 0
	for _, ev := range read(all) {
		if ev.TGID == self && ev.PID != self {
			threads++
		}
	}
	if threads == 0 {
		t.Fatal("the unfiltered listener saw no event of this test's threads")
	}
	kinds := map[ProcEventKind]bool{}
	for _, ev := range read(filtered) {
		if ev.PID != ev.TGID {
			t.Errorf("the filter let a thread's event through: %+v", ev)
		}
		if ev.PID == child {
			kinds[ev.Kind] = true
		}
	}
	if !kinds[ProcEventFork] || !kinds[ProcEventExec] || !kinds[ProcEventExit] {
		t.Errorf("filtered: the child's events %v, want fork, exec and exit", kinds)
	}
}
