//go:build !linux

package main

import "syscall"

// openPidfd: only Linux has pidfds; the signaller checks start times instead.
func openPidfd(int32) (int, error) { return -1, syscall.ENOSYS }

func pidfdSignal(int, syscall.Signal) error { return syscall.ENOSYS }
