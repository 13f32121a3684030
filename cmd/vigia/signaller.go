package main

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/text"
	"github.com/vigia-dev/vigia/internal/tui"
)

// topSignaller returns the dashboard's signaller, or nil and why there is
// none: the table's PIDs are only this machine's processes when --procfs is
// procfs of our own PID namespace. Elsewhere (another machine's tree, a
// container's /proc seen from its host) a PID shown would signal an
// unrelated process here.
func topSignaller(fs procfs.FS, tx *text.Text) (tui.Signaller, string) {
	if !fs.LocalPIDs() {
		return nil, tx.ForeignPIDs(fs.ProcRoot())
	}
	return processSignaller{fs: fs, open: openPidfd}, ""
}

// processSignaller signals processes, not numbers. Hold takes a pidfd of
// the PID and then checks that the process behind it started when the
// table row says, so it is that row's process; the pidfd then reaches it
// or, once it has exited, nothing, even if its PID is taken again. Without
// pidfds (Linux before 5.3) the start is checked again right before
// kill(2), which leaves only the microseconds between the two for a PID to
// be reused, and cannot tell apart two processes that started within the
// same clock tick (1/100 s): pidfds have neither gap.
type processSignaller struct {
	fs procfs.FS
	// open is openPidfd; tests swap it to take the path without pidfds.
	open func(pid int32) (int, error)
}

func (s processSignaller) Hold(pid int32, start time.Time) (tui.Held, error) {
	// Below 1, kill(2) would take 0 and -1 as the process group or every
	// process.
	if pid < 1 {
		return nil, fmt.Errorf("pid %d: %w", pid, syscall.ESRCH)
	}
	fd, err := s.open(pid)
	switch {
	case errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EPERM):
		// No pidfds: an old kernel, or a seccomp filter that answers
		// EPERM for system calls it does not know (pidfd_open itself
		// never does).
		fd = -1
	case err != nil:
		return nil, fmt.Errorf("pid %d: %w", pid, err)
	}
	// The pidfd is taken before the check: if the check finds the row's
	// process at pid, that process held pid when the pidfd was taken too,
	// so the pidfd is of it.
	h := &heldProcess{fs: s.fs, pid: pid, start: start, fd: fd}
	if err := h.same(); err != nil {
		h.Release()
		return nil, err
	}
	return h, nil
}

// heldProcess is one process held for a signal: by a pidfd, or (fd -1) by
// its PID and start time.
type heldProcess struct {
	fs    procfs.FS
	pid   int32
	start time.Time
	fd    int
}

func (h *heldProcess) Signal(sig syscall.Signal) error {
	if h.fd >= 0 {
		if err := pidfdSignal(h.fd, sig); err != nil {
			return fmt.Errorf("pid %d: %w", h.pid, err)
		}
		return nil
	}
	if err := h.same(); err != nil {
		return err
	}
	return syscall.Kill(int(h.pid), sig)
}

func (h *heldProcess) Release() {
	if h.fd >= 0 {
		syscall.Close(h.fd)
		h.fd = -1
	}
}

// errNoStart refuses a process shown without its start time: nothing tells
// it from a later one with its PID.
var errNoStart = errors.New("its start time is unknown, so it cannot be told from a later process with its PID")

// same checks that pid is still the process that started at h.start.
func (h *heldProcess) same() error {
	if h.start.IsZero() {
		return errNoStart
	}
	got, err := procfs.ProcessStart(h.fs, h.pid)
	switch {
	case errors.Is(err, procfs.ErrNoProcess):
		return fmt.Errorf("pid %d: %w", h.pid, syscall.ESRCH)
	case err != nil:
		return err
	case !got.Equal(h.start):
		return fmt.Errorf("pid %d started at %s, not %s: %w", h.pid,
			got.Format(time.RFC3339Nano), h.start.Format(time.RFC3339Nano), tui.ErrReused)
	}
	return nil
}
