package main

import "runtime"

// oneProcessor runs Go code on one processor unless GOMAXPROCS says
// otherwise. top and watch are a few goroutines that wake once an interval
// for a few milliseconds of work; with a processor per core, each wake-up
// also wakes idle threads to look for work that is not there, and on a
// small or virtual machine those wake-ups cost more than the work.
// Measured in docs/PERFORMANCE.md ("Dashboard (vigia top)").
func oneProcessor(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}

// beQuiet applies e's tuning for a long-running light command.
func (e *env) beQuiet() {
	if e.quiet != nil {
		e.quiet()
	}
}
