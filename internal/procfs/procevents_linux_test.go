package procfs

import (
	"errors"
	"os"
	"os/exec"
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
