package store

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// ExplainSpan gathers what the explainer compares of [from, to): each
// recorded process's CPU-seconds (its CPU % × the time since the procs
// reading before, clipped to the span and capped at a minute, so a gap in
// recording adds nothing), its resident memory averaged over the time
// recorded (a process absent from a reading counts as none), the bytes it
// read and wrote in storage (its rates × the same time as its CPU), whether
// it started or ended in the span; each recorded cgroup's the same way
// (explainCgroups); the processes that exited (explainExits); and the
// events: alert transitions, the events table's, exits on a signal.
// Processes are
// those of the top lists each procs reading keeps (Options.TopProcesses by
// CPU, as many by memory and as many by I/O): what was recorded, not the
// whole table.
func (s *Store) ExplainSpan(from, to time.Time) (explain.Span, error) {
	sp := explain.Span{From: from, To: to}
	f, t := ms(from), ms(to)
	entries, err := s.topEntries(f, t)
	if err != nil {
		return sp, err
	}
	use := map[int64]*explain.Usage{}
	var ids []int64
	get := func(id int64) *explain.Usage {
		u := use[id]
		if u == nil {
			u = &explain.Usage{}
			use[id] = u
			ids = append(ids, id)
		}
		return u
	}
	// A process's first sighting has no CPU % (there is no sample before
	// it) but has its CPU time: for one that started since the reading
	// before, that is what it used in the interval.
	born := map[int64]int64{}
	brows, err := s.db.Query(startedIn("id, started", 1, 2), f-minuteMS, t+minuteMS)
	if err != nil {
		return sp, err
	}
	for brows.Next() {
		var id, started int64
		if err := brows.Scan(&id, &started); err != nil {
			brows.Close()
			return sp, err
		}
		born[id] = started
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return sp, err
	}
	seen := map[int64]bool{}
	var covered int64
	prev := int64(-1)
	for _, e := range entries {
		p := prev
		prev = e.ts
		if p < 0 {
			for _, tp := range e.procs {
				seen[tp.proc] = true
			}
			continue
		}
		// A procs reading's CPU % is its rate over the time since the
		// reading before (a minute at most): the part of that interval
		// inside the span counts, whichever reading it belongs to.
		lo := max(p, e.ts-minuteMS)
		dt := min(e.ts, t) - max(lo, f)
		if dt <= 0 {
			for _, tp := range e.procs {
				seen[tp.proc] = true
			}
			continue
		}
		covered += dt
		for _, tp := range e.procs {
			first := !seen[tp.proc]
			seen[tp.proc] = true
			u := get(tp.proc)
			if st, ok := born[tp.proc]; first && ok && st > lo && tp.cpu == 0 && tp.more {
				// Its CPU time since it started, spread evenly over the
				// time it lived, and the span's part of that.
				u.CPUSeconds += tp.cpuTime * float64(max(min(e.ts, t)-max(st, f), 0)) / float64(max(e.ts-st, 1))
			}
			u.CPUSeconds += tp.cpu / 100 * float64(dt) / 1000
			u.RSS += float64(tp.rss) * float64(dt)
			// I/O rates are over the same interval as CPU %. A process
			// whose rate was unknown was recorded as 0.
			if tp.io {
				u.IOBytes += float64(tp.readRate+tp.writeRate) * float64(dt) / 1000
				u.HasIO = true
			}
		}
	}
	sp.Covered = time.Duration(covered) * time.Millisecond
	// Processes that ended in the span, recorded in a top list or not: an
	// exit is part of what changed even for a process too small to rank.
	rows, err := s.db.Query("SELECT id FROM procs WHERE exited > 0 AND last_seen >= ? AND last_seen < ?", f, t)
	if err != nil {
		return sp, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return sp, err
		}
		get(id).Exited = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sp, err
	}
	slices.Sort(ids)
	for _, id := range ids {
		u := use[id]
		var started int64
		if err := s.db.QueryRow("SELECT p.pid, "+procName+", p.started FROM "+procsJoined+" WHERE p.id = ?", id).Scan(&u.PID, &u.Name, &started); err != nil {
			return sp, err
		}
		u.Kind, u.ID = explain.Process, strconv.FormatInt(id, 10)
		u.Started = started >= f && started < t
		if covered > 0 {
			u.RSS /= float64(covered)
		}
		sp.Usage = append(sp.Usage, *u)
	}
	trs, err := s.transitions(f, t)
	if err != nil {
		return sp, err
	}
	for i := range trs {
		sp.Events = append(sp.Events, explain.Event{Time: trs[i].Time, Transition: &trs[i]})
	}
	if err := s.explainEvents(&sp, f, t); err != nil {
		return sp, err
	}
	if err := s.explainExits(&sp, f, t); err != nil {
		return sp, err
	}
	sp.Cgroups, sp.CgroupsCovered, err = s.explainCgroups(f, t)
	return sp, err
}

// Explain ranks what changed in [from, to) against the span before it,
// [before, from).
func (s *Store) Explain(before, from, to time.Time) (explain.Result, error) {
	b, err := s.ExplainSpan(before, from)
	if err != nil {
		return explain.Result{}, err
	}
	w, err := s.ExplainSpan(from, to)
	if err != nil {
		return explain.Result{}, err
	}
	return explain.Explain(b, w), nil
}

// topEntries returns the top lists of the procs readings of [from, to),
// with those of the span before it and of the minute after (whose first
// reading's rate covers the span's end), compacted or still in the
// journal, in time order.
func (s *Store) topEntries(from, to int64) ([]topsEntry, error) {
	var entries []topsEntry
	rows, err := s.db.Query("SELECT data FROM tops WHERE start > ? AND start < ? ORDER BY start", from-spanMS, to+minuteMS)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return nil, err
		}
		es, err := decodeTops(data)
		if err != nil {
			rows.Close()
			return nil, err
		}
		entries = append(entries, es...)
	}
	rows.Close()
	jrows, err := s.db.Query("SELECT ts, data FROM journal WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts", reading.SensorProcesses, from-spanMS, to+minuteMS)
	if err != nil {
		return nil, err
	}
	for jrows.Next() {
		var t int64
		var data []byte
		if err := jrows.Scan(&t, &data); err != nil {
			jrows.Close()
			return nil, err
		}
		if _, tp, err := decodeEntry(data, nil, nil); err == nil {
			entries = append(entries, topsEntry{ts: t, procs: tp})
		}
	}
	jrows.Close()
	slices.SortStableFunc(entries, func(a, b topsEntry) int { return cmp.Compare(a.ts, b.ts) })
	return entries, nil
}
