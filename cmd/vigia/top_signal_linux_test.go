package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTopSignalsRestoreTerminal ends the dashboard with each signal that
// ends it, ten times over, every other time with a burst of the same
// signal: each time it must exit 0 within 2 s and leave the terminal as
// stty -g found it, with the shell's screen back.
func TestTopSignalsRestoreTerminal(t *testing.T) {
	if _, err := os.Stat("/usr/bin/tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	const tries = 10
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			t.Parallel()
			p := newPane(t, "vigia-sig-"+strings.ToLower(unix.SignalName(sig)), 160, 50)
			shell := strings.TrimSpace(p.run("display-message", "-p", "-t", "top", "#{pane_pid}"))
			var slowest time.Duration
			for try := range tries {
				burst := 1 + 4*(try%2)
				mark := fmt.Sprintf("try-%d-of-%s", try, unix.SignalName(sig))
				// The quotes split the mark, so only the echo's output, not the
				// command line, shows it whole.
				p.keys(`S=$(stty -g); `+vigiaBin+` top --interval 500ms; echo "`+mark+`"" exit=$? tty=$([ "$(stty -g)" = "$S" ] && echo same || echo changed)"`, "Enter")
				p.waitFor("the dashboard", func(s string) bool { return strings.Contains(s, "COMMAND") && strings.Contains(s, " procs") })
				pid := childOf(t, shell)
				fd, err := unix.PidfdOpen(pid, 0)
				if err != nil {
					t.Fatalf("pidfd of vigia %d: %v", pid, err)
				}
				sent := time.Now()
				for range burst {
					// Through the pidfd, so a burst never reaches a process
					// that took the PID after vigia left.
					unix.PidfdSendSignal(fd, sig, nil, 0)
				}
				n := waitExit(fd, 5*time.Second)
				took := time.Since(sent)
				unix.Close(fd)
				if n != 1 {
					t.Fatalf("%s: vigia still running 5 s after %d× %s", mark, burst, unix.SignalName(sig))
				}
				slowest = max(slowest, took)
				if took > 2*time.Second {
					t.Errorf("%s: vigia took %v to exit after %d× %s, want under 2 s", mark, took, burst, unix.SignalName(sig))
				}
				s := p.waitFor("the shell back", contains(mark+" exit="))
				if !strings.Contains(s, mark+" exit=0 tty=same") {
					t.Errorf("%s after %d× %s: want exit 0 and the terminal unchanged; screen:\n%s", mark, burst, unix.SignalName(sig), s)
				}
				if strings.Contains(s, "COMMAND") || strings.ContainsRune(s, '│') {
					t.Errorf("%s: the dashboard is still on the screen:\n%s", mark, s)
				}
				state := p.run("display-message", "-p", "-t", "top", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
				if strings.TrimSpace(state) != "0 1 0" {
					t.Errorf("%s: terminal state (alternate screen, cursor shown, mouse reporting) = %q, want 0 1 0", mark, state)
				}
			}
			t.Logf("%s: slowest exit of %d tries %v", unix.SignalName(sig), tries, slowest)
		})
	}
}

// waitExit waits up to d for the process behind pidfd fd to exit and
// returns 1 if it did. poll is retried when a signal interrupts it (the
// test binary's own runtime sends itself some), so only the deadline ends
// the wait.
func waitExit(fd int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return 0
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		return n
	}
}

// childOf returns the one child of the pane's shell: the vigia it runs.
func childOf(t *testing.T, shell string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 1 {
		t.Fatalf("the shell has children %q, want vigia alone", f)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatal(err)
	}
	if comm, _ := os.ReadFile("/proc/" + f[0] + "/comm"); strings.TrimSpace(string(comm)) != "vigia" {
		t.Fatalf("the shell's child %d is %q, not vigia", pid, comm)
	}
	return pid
}
