package main

import "runtime/debug"

// agentGCPercent is the GOGC the agent runs with unless GOGC is set.
//
// The agent's heap is mostly the process table and the readings made from
// it, about 3 MB live at 1,000-2,000 processes; the runtime keeps about
// (1 + GOGC/100) × 1.1 times the live heap resident, so at Go's default of
// 100 the heap is 6.5 MB of the agent's RSS, and at 50 under 5 MB. Measured
// with the peer harness (docs/PERFORMANCE.md, /metrics): peak RSS 1.3 MiB
// lower; the collector runs twice as often, on a heap small enough that
// /metrics' CPU a scrape stays a third of node_exporter's.
const agentGCPercent = 50

// tuneAgentGC sets the agent's GC percent, leaving a GOGC from the
// environment to the runtime, which has read it already.
func tuneAgentGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(agentGCPercent)
	}
}
