package main

import (
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// widenTimerSlack lets the kernel fire this program's timers up to
// timerSlack late, and so batch its wake-ups. Go's system monitor polls
// every 20 µs while any goroutine runs, and sleeps for good only once all
// are idle again: a burst of work (a sample, a scrape, a frame) is dozens
// of its wake-ups, each a context switch, with the kernel's default 50 µs
// of slack. With 4 ms, at 1,000 processes on 2 cores, serve scraped once a
// second went from 0.72-0.84 % of a core and 66-85 wake-ups a second to
// 0.65-0.72 % and 23-32, and top's wake-ups from 28-32 a second to 14, for
// a few percent of its CPU (docs/PERFORMANCE.md, "Timer slack"). Nothing
// here is timed that finely: sensors sample every second or more, and
// input and requests wake the program at once (slack delays only timers).
//
// A thread's slack is inherited by the threads it starts, but the system
// monitor is started before any of this program's code runs, so the slack
// is set and the same binary executed again, in the same process (same PID,
// arguments, environment and open files), which costs the start-up once
// more (about 5 ms, once for a command that runs until stopped). It returns without doing so when
// the slack is already that wide (as after the exec, or as set by a service
// manager), when the kernel keeps it (a real-time task has none), or when
// the program on disk is no longer the one running (an upgrade replaced it).
func widenTimerSlack() {
	slack, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil || slack >= int(timerSlack) {
		return
	}
	if unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(timerSlack), 0, 0, 0) != nil {
		return
	}
	if got, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0); err != nil || got != int(timerSlack) {
		return
	}
	path := sameProgram()
	if path == "" {
		return
	}
	// On success Exec does not return; on failure the main thread keeps
	// its slack and the program runs on, as before.
	_ = unix.Exec(path, os.Args, os.Environ())
}

// sameProgram is a path to the running binary: the one the program was
// started by when it still names it, so that the process keeps its name
// (the kernel names it after the file executed, and /proc/self/exe would
// name it "exe"), else the binary's own. "" when neither is it any more.
func sameProgram() string {
	var running unix.Stat_t
	if unix.Stat("/proc/self/exe", &running) != nil {
		return ""
	}
	var candidates []string
	if p, err := exec.LookPath(os.Args[0]); err == nil {
		candidates = append(candidates, p)
	}
	if p, err := os.Executable(); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && st.Dev == running.Dev && st.Ino == running.Ino {
			return p
		}
	}
	return ""
}
