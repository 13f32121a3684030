package main

import "runtime/debug"

// agentGCPercent is the GOGC the agent runs with unless GOGC is set.
//
// The agent's heap is mostly the process table and the readings made from
// it, about 3 MB live at 1,000 processes, and the runtime keeps about
// (1 + GOGC/100) × 1.1 times the live heap resident: 6.5 MB at Go's default
// of 100, 5 MB at 50, 4 MB at 25. With the peer harness at 1,003 processes
// (docs/PERFORMANCE.md, /metrics), peak RSS against node_exporter's in the
// same run: 1.04× at 100, 1.00× at 50, 0.98× at 25. The collector runs
// four times as often as at 100: /metrics' CPU a scrape went from ~0.35×
// node_exporter's to 0.38-0.49×, the whole agent's about a tenth up.
const agentGCPercent = 25

// tuneAgentGC sets the agent's GC percent, leaving a GOGC from the
// environment to the runtime, which has read it already.
func tuneAgentGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(agentGCPercent)
	}
}
