package store

import "strconv"

// Processes by start time without an index on it: at one new process a
// second an index entry on started cost 15 bytes a process, 8.7 MiB of a
// week's processes (docs/PERFORMANCE.md). Most processes live briefly, and
// one that started in [from, to) and lived at most an hour (last seen
// minus started) was last seen in [from, to + 1 h): the index on
// last_seen finds it. The others (still running, or ended after living
// longer) are in a partial index on started. A process last seen more than
// an hour before its start (a clock stepped back by over that) is missed.
//
// procs.exited says which: 0 running, 1 ended within an hour of its start,
// 2 ended later. It is set once, at the end, by procExitSQL: a condition on
// last_seen itself would have the index rewritten at each minute's refresh
// of every running process's row.
const (
	longLifeMS = "3600000"

	procExitSQL = "UPDATE procs SET last_seen = ?1, exited = CASE WHEN ?1 - started > " + longLifeMS +
		" THEN 2 ELSE 1 END, peak_rss = ?2, cpu_time = ?3 WHERE id = ?4"

	// A query uses a partial index only when its WHERE holds the index's
	// condition word for word, as startedIn's does.
	notBrief       = "exited != 1"
	procsLongIndex = "CREATE INDEX procs_long ON procs (started) WHERE " + notBrief
)

// startedIn returns a compound SELECT of cols of the procs rows that
// started in [?f, ?t), f and t being the numbers of the query's parameters
// that hold the bounds in milliseconds.
func startedIn(cols string, f, t int) string {
	fp, tp := "?"+strconv.Itoa(f), "?"+strconv.Itoa(t)
	in := "started >= " + fp + " AND started < " + tp
	return "SELECT " + cols + " FROM procs WHERE exited = 1 AND last_seen >= " + fp + " - " + longLifeMS + " AND last_seen < " + tp + " + " + longLifeMS +
		" AND " + in + " UNION ALL SELECT " + cols + " FROM procs WHERE " + notBrief + " AND " + in
}
