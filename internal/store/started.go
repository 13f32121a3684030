package store

import "strconv"

// Processes by start time without an index on it: at one new process a
// second an index entry on started cost 15 bytes a process, 8.7 MiB of a
// week's processes (docs/PERFORMANCE.md). Most processes live briefly, and
// one that started in [from, to) and lived at most an hour (last seen
// minus started) was last seen in [from, to + 1 h): the index on
// last_seen finds it. The few that lived longer are in a partial index on
// started. A process last seen more than an hour before its start (a
// clock stepped back by over an hour) is missed.
const (
	longLifeMS = "3600000"
	longLife   = "last_seen - started > " + longLifeMS

	// A query uses a partial index only when its WHERE holds the index's
	// condition word for word, as startedIn's does.
	procsLongIndex = "CREATE INDEX procs_long ON procs (started) WHERE " + longLife
)

// startedIn returns a compound SELECT of the procs rows that started in
// [?f, ?t), f and t being the numbers of the query's parameters that hold
// the bounds in milliseconds.
func startedIn(f, t int) string {
	fp, tp := "?"+strconv.Itoa(f), "?"+strconv.Itoa(t)
	in := "started >= " + fp + " AND started < " + tp
	return "SELECT * FROM procs WHERE last_seen >= " + fp + " - " + longLifeMS + " AND last_seen < " + tp + " + " + longLifeMS +
		" AND " + in + " AND NOT (" + longLife + ")" +
		" UNION ALL SELECT * FROM procs WHERE " + in + " AND " + longLife
}
