package main

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes a helper process die if the test binary does, so a
// crashed test leaves no Prometheus or Chromium behind.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
