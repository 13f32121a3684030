package main

import "runtime"

// oneProcessor runs Go code on one processor unless GOMAXPROCS says
// otherwise. top, watch, fleet and serve are a few goroutines that wake
// once an interval (or a scrape) for a few milliseconds of work; with a
// processor per core, each wake-up also wakes idle threads to look for work
// that is not there, and on a small or virtual machine those wake-ups cost
// more than the work. serve, scraped once a second at 1,000 processes on 2
// cores: 1.67-1.73 % of a core against 1.90-2.17 % on two processors, 126-137
// thread wake-ups a second against 155-176 (docs/PERFORMANCE.md, "Agent on
// one processor"); node_exporter runs on one by default for the same reason.
// The API keeps its concurrency: goroutines still interleave, a long report
// being preempted every 10 ms, on one core of the host at most.
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
