package store

import (
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// The events table keeps what the sensors saw happen that no other table
// holds: OOM kills, throttling bursts, pressure crossings. Processes
// started and ended are the procs table's rows and alerts the transitions
// table's, so Events reads those back rather than a second copy.
//
// IF NOT EXISTS, as for aggs10: a migration step repeated does not fail.
const (
	eventsTable = `CREATE TABLE IF NOT EXISTS events (
		ts INTEGER NOT NULL, kind TEXT NOT NULL, pid INTEGER NOT NULL, comm TEXT NOT NULL,
		cgroup TEXT NOT NULL, unit TEXT NOT NULL, resource TEXT NOT NULL,
		count INTEGER NOT NULL, value REAL NOT NULL, detail TEXT NOT NULL)`
	eventsIndex = `CREATE INDEX IF NOT EXISTS events_ts ON events (ts)`
	insertEvent = "INSERT INTO events (ts, kind, pid, comm, cgroup, unit, resource, count, value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

// kept reports whether the events table keeps events of kind.
func kept(kind reading.EventKind) bool {
	switch kind {
	case reading.EventProcessStart, reading.EventProcessExit, reading.EventAlert:
		return false
	}
	return true
}

// appendEvents turns a reading's events into writes.
func appendEvents(ops []op, evs []reading.Event) []op {
	for _, e := range evs {
		if !kept(e.Kind) {
			continue
		}
		ops = append(ops, op{kind: opEvent, ts: ms(e.Time),
			text:  [4]string{string(e.Kind), e.Comm, e.Cgroup, e.Unit},
			ints:  [4]int64{int64(e.PID), int64(min(e.Count, 1<<62))},
			float: [3]float64{e.Value},
			data:  []byte(e.Resource + "\x00" + e.Detail)})
	}
	return ops
}

func execEvent(st *sql.Stmt, o *op) (sql.Result, error) {
	res, detail, _ := strings.Cut(string(o.data), "\x00")
	return st.Exec(o.ts, o.text[0], o.ints[0], o.text[1], o.text[2], o.text[3], res, o.ints[1], o.float[0], detail)
}

// Events returns what happened in [from, to), in time order: the events
// table's, the processes recorded as started or ended, and the alert
// transitions. kinds, when not empty, keeps only those kinds.
func (s *Store) Events(from, to time.Time, kinds []reading.EventKind) ([]reading.Event, error) {
	want := func(k reading.EventKind) bool { return len(kinds) == 0 || slices.Contains(kinds, k) }
	f, t := ms(from), ms(to)
	var out []reading.Event
	rows, err := s.db.Query(`SELECT ts, kind, pid, comm, cgroup, unit, resource, count, value, detail
		FROM events WHERE ts >= ? AND ts < ? ORDER BY ts, rowid`, f, t)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e reading.Event
		var ts, count int64
		var kind string
		if err := rows.Scan(&ts, &kind, &e.PID, &e.Comm, &e.Cgroup, &e.Unit, &e.Resource, &count, &e.Value, &e.Detail); err != nil {
			return nil, err
		}
		e.Time, e.Kind, e.Count = fromMS(ts), reading.EventKind(kind), uint64(max(count, 0))
		if want(e.Kind) {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if want(reading.EventProcessStart) || want(reading.EventProcessExit) {
		if out, err = s.procEvents(out, f, t, want); err != nil {
			return nil, err
		}
	}
	if want(reading.EventAlert) {
		trs, err := s.transitions(f, t)
		if err != nil {
			return nil, err
		}
		for _, tr := range trs {
			out = append(out, reading.TransitionEvent(tr))
		}
	}
	slices.SortStableFunc(out, func(a, b reading.Event) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// procEvents appends the starts of processes that began in [from, to) and
// the ends of those last seen in it; an end is timed by the last pass
// that saw the process, and its value is the lifetime seen.
func (s *Store) procEvents(out []reading.Event, from, to int64, want func(reading.EventKind) bool) ([]reading.Event, error) {
	// UNION ALL of disjoint halves: a UNION would sort every row to drop
	// the ones in both.
	rows, err := s.db.Query(`SELECT p.pid, p.started, `+procName+`, p.last_seen, p.exited
		FROM (`+startedIn("*", 1, 2)+` UNION ALL SELECT * FROM procs
			WHERE exited > 0 AND last_seen >= ?1 AND last_seen < ?2 AND NOT (started >= ?1 AND started < ?2)) p
		LEFT JOIN cmdlines c ON c.id = p.cmd`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int32
		var started, last, exited int64
		var comm string
		if err := rows.Scan(&pid, &started, &comm, &last, &exited); err != nil {
			return nil, err
		}
		if started >= from && started < to && want(reading.EventProcessStart) {
			out = append(out, reading.Event{Time: fromMS(started), Kind: reading.EventProcessStart, PID: pid, Comm: comm, Count: 1})
		}
		if exited > 0 && last >= from && last < to && want(reading.EventProcessExit) {
			out = append(out, reading.Event{Time: fromMS(last), Kind: reading.EventProcessExit, PID: pid, Comm: comm, Count: 1,
				Value: float64(max(last-started, 0)) / 1000})
		}
	}
	return out, rows.Err()
}

// reportEvents is how many events a report lists.
const reportEvents = 100

// reportEvents fills the report's events: those the events table keeps.
func (s *Store) reportEvents(rep *Report, from, to time.Time) error {
	evs, err := s.Events(from, to, []reading.EventKind{reading.EventOOMKill, reading.EventThrottled, reading.EventPressure})
	if err != nil {
		return err
	}
	rep.EventCount = len(evs)
	rep.Events = evs[:min(len(evs), reportEvents):min(len(evs), reportEvents)]
	return nil
}

// replayEvents gives the readings of a replay window the events they
// carried: the events table's to the cgroups reading of their time (the
// sensor stamps them so), and a process's start or end to the first
// processes reading that could have seen it (after its start, or after
// the last reading that saw it alive). An event whose reading falls in
// the next window is left out.
func (s *Store) replayEvents(byKey map[readingKey]*reading.Reading, from, to int64) error {
	evs, err := s.Events(fromMS(from), fromMS(to), []reading.EventKind{
		reading.EventOOMKill, reading.EventThrottled, reading.EventPressure, reading.EventProcessStart, reading.EventProcessExit})
	if err != nil || len(evs) == 0 {
		return err
	}
	var procs []int64
	for k := range byKey {
		if k.sensor == reading.SensorProcesses {
			procs = append(procs, k.ts)
		}
	}
	slices.Sort(procs)
	for _, e := range evs {
		t := ms(e.Time)
		key := readingKey{t, reading.SensorCgroups}
		if e.Kind == reading.EventProcessStart || e.Kind == reading.EventProcessExit {
			i, found := slices.BinarySearch(procs, t)
			if found && e.Kind == reading.EventProcessExit {
				i++ // the reading that last saw it did not see it end
			}
			if i == len(procs) {
				continue
			}
			key = readingKey{procs[i], reading.SensorProcesses}
			e.Time = fromMS(procs[i])
		}
		if r := byKey[key]; r != nil {
			r.Events = append(r.Events, e)
		}
	}
	return nil
}
