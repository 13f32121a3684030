package store

import (
	"context"
	"database/sql"
	"fmt"
)

// schemaVersion is stored in PRAGMA user_version.
//
//	1: series, journal, chunks, aggs, tops, procs, transitions, notes
//	2: sensors (each sensor's primary metric), procs.user, times (a
//	   sensor's reading times per span, shared by its chunks)
//	3: events (OOM kills, throttling bursts, pressure crossings)
//	4: aggs10 (10-minute aggregates, a row per series and day, rolled up
//	   from the 1-minute ones once they are two days old)
//	5: cmdlines (each distinct comm, command line and user once) and
//	   procs.cmd referring to it
//	6: procs without first_seen nor text of its own (a row from before
//	   schema 5 refers to its text by cmd = -id), exited 2 for a process
//	   that lived over an hour, and instead of the index on started one on
//	   running and long-lived processes only (see started.go)
//	7: exits (processes the kernel's process events saw exit)
const schemaVersion = 7

// schema returns the statements that create a database at schemaVersion.
func schema() []string {
	return []string{
		`CREATE TABLE series (
		id INTEGER PRIMARY KEY,
		sensor TEXT NOT NULL,
		metric TEXT NOT NULL,
		labels TEXT NOT NULL,
		unit TEXT NOT NULL,
		kind INTEGER NOT NULL,
		UNIQUE (sensor, metric, labels))`,
		`CREATE TABLE sensors (name TEXT PRIMARY KEY, primary_metric TEXT NOT NULL)`,
		`CREATE TABLE journal (ts INTEGER NOT NULL, sensor TEXT NOT NULL, data BLOB NOT NULL)`,
		`CREATE INDEX journal_sensor_ts ON journal (sensor, ts)`,
		`CREATE INDEX journal_ts ON journal (ts)`,
		`CREATE TABLE chunks (series INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL)`,
		`CREATE UNIQUE INDEX chunks_series_start ON chunks (series, start)`,
		`CREATE INDEX chunks_start ON chunks (start)`,
		`CREATE TABLE aggs (series INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL)`,
		`CREATE UNIQUE INDEX aggs_series_start ON aggs (series, start)`,
		`CREATE INDEX aggs_start ON aggs (start)`,
		`CREATE TABLE tops (start INTEGER PRIMARY KEY, data BLOB NOT NULL)`,
		aggs10Table,
		aggs10Index,
		`CREATE TABLE times (sensor TEXT NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (sensor, start))`,
		`CREATE INDEX times_start ON times (start)`,
		procsTable("procs"),
		cmdlinesTable,
		procsLastSeenIndex,
		procsLongIndex,
		`CREATE TABLE transitions (
		ts INTEGER NOT NULL, rule TEXT NOT NULL, sensor TEXT NOT NULL, metric TEXT NOT NULL,
		labels TEXT NOT NULL, from_status INTEGER NOT NULL, to_status INTEGER NOT NULL,
		value REAL NOT NULL, threshold REAL NOT NULL, since INTEGER NOT NULL, message TEXT NOT NULL)`,
		`CREATE INDEX transitions_ts ON transitions (ts)`,
		`CREATE TABLE notes (ts INTEGER NOT NULL, sensor TEXT NOT NULL, err TEXT NOT NULL, note TEXT NOT NULL)`,
		`CREATE INDEX notes_ts ON notes (ts)`,
		eventsTable, eventsIndex,
		exitsTable, exitsIndex,
	}
}

// migration returns the statements that take a database from schema v to
// v+1.
func migration(v int) []string {
	switch v {
	case 1:
		return []string{
			`CREATE TABLE sensors (name TEXT PRIMARY KEY, primary_metric TEXT NOT NULL)`,
			`ALTER TABLE procs ADD COLUMN user TEXT NOT NULL DEFAULT ''`,
			`CREATE TABLE times (sensor TEXT NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (sensor, start))`,
			`CREATE INDEX times_start ON times (start)`,
		}
	case 2:
		return []string{eventsTable, eventsIndex}
	case 3:
		return []string{aggs10Table, aggs10Index}
	case 4:
		return []string{cmdlinesTable, `ALTER TABLE procs ADD COLUMN cmd INTEGER NOT NULL DEFAULT 0`}
	case 5:
		// The table is rebuilt: SQLite drops a column by rewriting every
		// row anyway. The text of a row from before schema 5 moves to
		// cmdlines under the row's id negated, which no hash takes; a
		// process that ended after living over an hour is marked so
		// (started.go).
		return []string{
			`INSERT OR IGNORE INTO cmdlines (id, comm, cmdline, user) SELECT -id, comm, cmdline, user FROM procs WHERE cmd = 0`,
			procsTable("procs6"),
			`INSERT INTO procs6 (id, pid, started, last_seen, exited, peak_rss, cpu_time, cmd)
			SELECT id, pid, started, last_seen, CASE WHEN exited = 1 AND last_seen - started > ` + longLifeMS + ` THEN 2 ELSE exited END,
			peak_rss, cpu_time, CASE cmd WHEN 0 THEN -id ELSE cmd END FROM procs`,
			`DROP TABLE procs`,
			`ALTER TABLE procs6 RENAME TO procs`,
			procsLastSeenIndex,
			procsLongIndex,
		}
	case 6:
		return []string{exitsTable, exitsIndex}
	}
	return nil
}

// The 10-minute aggregates' table. IF NOT EXISTS keeps the migration
// idempotent: a schema another version created ahead of this one (or a
// migration step repeated) does not fail on it.
const (
	aggs10Table = `CREATE TABLE IF NOT EXISTS aggs10 (series INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL)`
	aggs10Index = `CREATE UNIQUE INDEX IF NOT EXISTS aggs10_series_start ON aggs10 (series, start)`
)

// procsTable is the statement that creates the processes' table under
// name: a row per process seen (PID and start time), its text in cmdlines.
func procsTable(name string) string {
	return `CREATE TABLE ` + name + ` (
		id INTEGER PRIMARY KEY,
		pid INTEGER NOT NULL,
		started INTEGER NOT NULL,
		last_seen INTEGER NOT NULL,
		exited INTEGER NOT NULL,
		peak_rss INTEGER NOT NULL,
		cpu_time REAL NOT NULL,
		cmd INTEGER NOT NULL)`
}

const procsLastSeenIndex = `CREATE INDEX procs_last_seen ON procs (last_seen)`

// migrated reports whether the tables already have the shape migration v
// gives them (a migration repeated, or a schema another version created
// ahead), for a migration that rebuilds a table rather than adds to it.
func migrated(ctx context.Context, tx *sql.Tx, v int) (bool, error) {
	if v != 5 {
		return false, nil
	}
	var old bool
	err := tx.QueryRowContext(ctx, "SELECT count(*) > 0 FROM pragma_table_info('procs') WHERE name = 'first_seen'").Scan(&old)
	return !old, err
}

// addsExisting reports whether q adds a column the table already has: a
// migration repeated (or a schema another version created ahead) skips it,
// as IF NOT EXISTS does for tables.
func addsExisting(ctx context.Context, tx *sql.Tx, q string) (bool, error) {
	var table, column string
	if n, _ := fmt.Sscanf(q, "ALTER TABLE %s ADD COLUMN %s", &table, &column); n != 2 {
		return false, nil
	}
	var has bool
	err := tx.QueryRowContext(ctx, "SELECT count(*) > 0 FROM pragma_table_info(?) WHERE name = ?", table, column).Scan(&has)
	return has, err
}
