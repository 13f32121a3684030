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

// topGCPercent is the dashboard's GOGC unless GOGC is set. Its live heap
// is larger than the agent's for the same machine (Bubble Tea's two screen
// buffers, 2.4 MB at 200×50, and the table's rows) and grows with the
// process table: 12 MB at 10,000 processes. Three builds side by side
// (docs/PERFORMANCE.md, "Dashboard's heap"), peak RSS at 2,570 processes:
// 33.0 MiB at 100, 30.6 at 50, 28.7 at 25; at 10,070: 49.6, 43.4, 42.9. CPU
// was within the windows' noise at 50 (1.70/1.80/2.00 against 1.67/1.73/
// 2.07 % of a core) and a tenth up at 25, so the dashboard takes 50.
const topGCPercent = 50

// tuneGC sets the GC percent, leaving a GOGC from the environment to the
// runtime, which has read it already.
func tuneGC(getenv func(string) string, percent int) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
}
