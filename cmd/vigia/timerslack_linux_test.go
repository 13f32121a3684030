package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestQuietCommandsWidenTheirTimerSlack: watch runs with the kernel's timer
// slack widened to timerSlack, under its own name, in the process started;
// a slack already wider (a service manager's) is kept.
func TestQuietCommandsWidenTheirTimerSlack(t *testing.T) {
	t.Parallel()
	const wider = 20_000_000
	for _, tc := range []struct {
		name        string
		parentSlack int // 0: the test's own
		want        int
	}{
		{"default", 0, int(timerSlack)},
		{"already wider", wider, wider},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(vigiaBin, "watch", "--json", "--interval", "200ms", "--sensors", "cpu")
			cmd.Env = cleanEnv(t)
			out := startPiped(t, cmd, func(cmd *exec.Cmd) error { return startWithSlack(cmd, tc.parentSlack) })
			// A reading out means main has run, the exec behind it.
			if !bufio.NewScanner(out).Scan() {
				t.Fatal("watch printed nothing")
			}
			pid := strconv.Itoa(cmd.Process.Pid)
			if got := procLine(t, pid, "timerslack_ns"); got != strconv.Itoa(tc.want) {
				t.Errorf("timer slack %s ns, want %d", got, tc.want)
			}
			if got, want := procLine(t, pid, "comm"), filepath.Base(vigiaBin); got != want {
				t.Errorf("process named %q, want %q", got, want)
			}
		})
	}
}

// startWithSlack starts cmd from a thread whose timer slack is slack ns
// (the child inherits it); the thread is thrown away after.
func startWithSlack(cmd *exec.Cmd, slack int) error {
	if slack == 0 {
		return cmd.Start()
	}
	done := make(chan error)
	go func() {
		// Never unlocked: the thread with the odd slack ends with the
		// goroutine.
		runtime.LockOSThread()
		if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(slack), 0, 0, 0); err != nil {
			done <- err
			return
		}
		done <- cmd.Start()
	}()
	return <-done
}

func procLine(t *testing.T, pid, name string) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + pid + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
