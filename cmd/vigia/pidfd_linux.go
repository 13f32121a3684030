package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// openPidfd returns a descriptor of the process pid is now (ENOSYS before
// Linux 5.3).
func openPidfd(pid int32) (int, error) {
	return unix.PidfdOpen(int(pid), 0)
}

// pidfdSignal signals the process of a pidfd: ESRCH once it has exited,
// whatever now holds its PID.
func pidfdSignal(fd int, sig syscall.Signal) error {
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}
