package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/text"
	"github.com/vigia-dev/vigia/internal/tui"
)

// sleeper is a real process of the test's own, to hold and signal.
type sleeper struct {
	cmd    *exec.Cmd
	pid    int32
	start  time.Time
	exited chan struct{}
}

func startSleeper(t *testing.T, fs procfs.FS) *sleeper {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &sleeper{cmd: cmd, pid: int32(cmd.Process.Pid), exited: make(chan struct{})}
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() { s.end() })
	var err error
	if s.start, err = procfs.ProcessStart(fs, s.pid); err != nil {
		t.Fatal(err)
	}
	return s
}

// startAfter starts a sleeper once a clock tick has passed since first
// started, so the two are told apart by their start times (which count
// ticks of 1/100 s).
func startAfter(t *testing.T, fs procfs.FS, first *sleeper) *sleeper {
	t.Helper()
	for {
		time.Sleep(20 * time.Millisecond)
		s := startSleeper(t, fs)
		if !s.start.Equal(first.start) {
			return s
		}
	}
}

// end kills and reaps it (our own child, by its PID), freeing its PID.
func (s *sleeper) end() {
	s.cmd.Process.Kill()
	<-s.exited
}

// untouched fails the test if the process ends within a moment: a signal
// meant for another reached it.
func (s *sleeper) untouched(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
		t.Errorf("process %d, never chosen, was signalled: %v", s.pid, s.cmd.ProcessState)
	case <-time.After(200 * time.Millisecond):
	}
}

func localFS(t *testing.T) procfs.FS {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestHeldProcessExited: a process held by its pidfd that exits (and is
// reaped, so its PID is free for anyone) is gone for the signal; nothing
// else receives it.
func TestHeldProcessExited(t *testing.T) {
	t.Parallel()
	fs := localFS(t)
	chosen, other := startSleeper(t, fs), startSleeper(t, fs)
	sig := processSignaller{fs: fs, open: openPidfd}
	h, err := sig.Hold(chosen.pid, chosen.start)
	if err != nil {
		t.Fatalf("Hold(%d): %v", chosen.pid, err)
	}
	defer h.Release()
	if h.(*heldProcess).fd < 0 {
		t.Skip("no pidfds on this kernel (Linux 5.3 and later have them)")
	}
	chosen.end()
	// As if other had taken chosen's PID: the number now names it, the
	// pidfd still the exited process.
	h.(*heldProcess).pid = other.pid
	if err := h.Signal(syscall.SIGTERM); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("Signal to an exited process held by pidfd = %v, want ESRCH", err)
	}
	other.untouched(t)
}

// TestHoldRefusesAnotherStart: a PID whose process started at another time
// than the row says is another process, with pidfds or without; it is not
// signalled.
func TestHoldRefusesAnotherStart(t *testing.T) {
	t.Parallel()
	fs := localFS(t)
	p := startSleeper(t, fs)
	for name, open := range map[string]func(int32) (int, error){"pidfd": openPidfd, "no pidfd": noPidfd} {
		sig := processSignaller{fs: fs, open: open}
		if h, err := sig.Hold(p.pid, time.Time{}); !errors.Is(err, errNoStart) {
			if h != nil {
				h.Release()
			}
			t.Errorf("%s: Hold(%d) with no start = %v, want errNoStart", name, p.pid, err)
		}
		for _, start := range []time.Time{p.start.Add(-time.Second), p.start.Add(10 * time.Millisecond)} {
			if h, err := sig.Hold(p.pid, start); !errors.Is(err, tui.ErrReused) {
				if h != nil {
					h.Release()
				}
				t.Errorf("%s: Hold(%d, %v) for a process started at %v = %v, want ErrReused", name, p.pid, start, p.start, err)
			}
		}
	}
	p.untouched(t)
}

func noPidfd(int32) (int, error) { return -1, syscall.ENOSYS }

// TestNoPidfdChecksBeforeKill: without pidfds the start is checked again
// right before kill(2): the held PID now naming another process (the held
// one exited, another took its number) refuses, and an exited one is gone.
func TestNoPidfdChecksBeforeKill(t *testing.T) {
	t.Parallel()
	fs := localFS(t)
	chosen := startSleeper(t, fs)
	other := startAfter(t, fs, chosen)
	sig := processSignaller{fs: fs, open: noPidfd}
	h, err := sig.Hold(chosen.pid, chosen.start)
	if err != nil {
		t.Fatalf("Hold(%d): %v", chosen.pid, err)
	}
	defer h.Release()
	held := h.(*heldProcess)
	if held.fd != -1 {
		t.Fatalf("held by fd %d without pidfds", held.fd)
	}
	// As if chosen had exited and other had taken its PID.
	held.pid = other.pid
	if err := h.Signal(syscall.SIGTERM); !errors.Is(err, tui.ErrReused) {
		t.Errorf("Signal to a PID now another process's = %v, want ErrReused", err)
	}
	other.untouched(t)
	held.pid = chosen.pid
	chosen.end()
	if err := h.Signal(syscall.SIGTERM); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("Signal to an exited process = %v, want ESRCH", err)
	}
}

// TestSignalReachesHeld: the held process itself gets the signal, with
// pidfds and without (an old kernel's ENOSYS, a seccomp filter's EPERM).
func TestSignalReachesHeld(t *testing.T) {
	t.Parallel()
	fs := localFS(t)
	seccomp := func(int32) (int, error) { return -1, syscall.EPERM }
	for name, open := range map[string]func(int32) (int, error){"pidfd": openPidfd, "no pidfd": noPidfd, "pidfd_open refused": seccomp} {
		p := startSleeper(t, fs)
		h, err := processSignaller{fs: fs, open: open}.Hold(p.pid, p.start)
		if err != nil {
			t.Fatalf("%s: Hold: %v", name, err)
		}
		if err := h.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("%s: Signal: %v", name, err)
		}
		h.Release()
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			t.Errorf("%s: the held process did not get SIGTERM", name)
		}
	}
}

// TestTopSignallerForeignProcfs: a table read from a tree that is not this
// PID namespace's /proc offers no signals and says why.
func TestTopSignallerForeignProcfs(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "internal", "procfs", "testdata", "procs")
	foreign, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		s, why := topSignaller(foreign, text.For(lang))
		if s != nil || !strings.Contains(why, foreign.ProcRoot()) {
			t.Errorf("foreign tree, %v: signaller %v, reason %q", lang, s, why)
		}
	}
	if s, why := topSignaller(localFS(t), text.For(text.English)); s == nil || why != "" {
		t.Errorf("/proc: signaller %v, reason %q; want signals", s, why)
	}
}
