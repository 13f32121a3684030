package store

import "database/sql"

// The size budget. Past Options.MaxSize of pages in use, the oldest data of
// the finest resolution goes first: processes that ended before the oldest
// top list kept (nothing names them any more), then raw spans (chunks,
// times, top lists, and the processes that ended in them, both the procs
// table's and the exits table's), then 1-minute
// aggregates, then 10-minute ones, each oldest first, until the pages in
// use are under nine tenths of the budget (so the store does not prune a
// little at every step once it is full).
//
// The file is not vacuumed: deleted rows' pages go to SQLite's free list
// and new rows reuse them, so a full budget stops the file growing
// (TestSizeBudget). Measured on the 30-day simulation (TestMeasureMonth,
// load average 40): a VACUUM took 9 s (2.5 s of CPU) to give back 14 MiB
// of a 159 MiB file, holding the store's only connection all that time,
// so queries and writes would wait; incremental vacuum needs auto_vacuum
// chosen before the first table (existing files would need that VACUUM
// anyway) and keeps a pointer map in the file. The free pages are about a
// maintenance step's worth of deleted rows, which the next hour reuses.

// sizeState is what the store last measured of its file; guarded by
// Store.mu.
type sizeState struct {
	used    int64  // bytes of pages in use
	file    int64  // bytes of the main file (pages in use and free)
	evicted uint64 // rows deleted to keep within MaxSize
	over    bool   // the last step found the budget exceeded
}

// pages returns the bytes of pages in use and of the whole file.
func (s *Store) pages() (used, file int64, err error) {
	var count, free, size int64
	if err := s.db.QueryRow("PRAGMA page_count").Scan(&count); err != nil {
		return 0, 0, err
	}
	if err := s.db.QueryRow("PRAGMA freelist_count").Scan(&free); err != nil {
		return 0, 0, err
	}
	if err := s.db.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		return 0, 0, err
	}
	return (count - free) * size, count * size, nil
}

// budget deletes up to batches batches of the oldest, finest data while
// the pages in use exceed the budget, and records the size. It returns
// how many rows went.
func (s *Store) budget(batches int) (int64, error) {
	used, file, err := s.pages()
	if err != nil {
		return 0, err
	}
	var total int64
	over := used > s.opts.MaxSize
	if over {
		target := s.opts.MaxSize / 10 * 9
		for range batches {
			n, err := s.evictStep()
			if err != nil {
				return total, err
			}
			total += n
			if used, file, err = s.pages(); err != nil {
				return total, err
			}
			if n == 0 || used <= target {
				break
			}
		}
		if total > 0 {
			// Once per pass: the scan of procs it takes is not worth a
			// batch's while.
			if _, err := s.db.Exec(dropUnusedCmdlines); err != nil {
				return total, err
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if over && !s.size.over {
		s.log.Info("history reached its size budget; deleting the oldest, finest data", "max_size", s.opts.MaxSize, "in_use", used)
	}
	s.size.used, s.size.file, s.size.over = used, file, over
	s.size.evicted += uint64(total)
	return total, nil
}

// evictStep deletes one batch of the oldest data of the finest resolution
// kept, in one transaction, and returns how many rows went (0: nothing
// left that the budget may delete; the journal and live processes stay).
func (s *Store) evictStep() (int64, error) {
	var oldestTops, oldestRaw, oldestAgg, oldestAgg10 sql.NullInt64
	for _, q := range []struct {
		sql string
		v   *sql.NullInt64
	}{
		{"SELECT min(start) FROM tops", &oldestTops},
		{"SELECT min(start) FROM (SELECT min(start) AS start FROM chunks UNION ALL SELECT min(start) FROM times UNION ALL SELECT min(start) FROM tops)", &oldestRaw},
		{"SELECT min(start) FROM aggs", &oldestAgg},
		{"SELECT min(start) FROM aggs10", &oldestAgg10},
	} {
		if err := s.db.QueryRow(q.sql).Scan(q.v); err != nil {
			return 0, err
		}
	}
	var steps []struct {
		q   string
		arg int64
	}
	add := func(q string, arg int64) {
		steps = append(steps, struct {
			q   string
			arg int64
		}{q, arg})
	}
	// Ended processes no top list refers to: before the oldest top list,
	// or all of them when none is kept.
	named := int64(1<<63 - 1)
	if oldestTops.Valid {
		named = oldestTops.Int64
	}
	var unnamed int64
	if err := s.db.QueryRow("SELECT count(*) FROM (SELECT 1 FROM procs WHERE exited > 0 AND last_seen < ? LIMIT 1)", named).Scan(&unnamed); err != nil {
		return 0, err
	}
	switch {
	case unnamed > 0:
		add("DELETE FROM procs WHERE id IN (SELECT id FROM procs WHERE exited > 0 AND last_seen < ? ORDER BY last_seen LIMIT 1000)", named)
	case oldestRaw.Valid:
		// An hour of spans a step: a span at a time cost a step per
		// 10 minutes of a busy server's 1.8 MiB an hour of raw rows.
		end := oldestRaw.Int64 + hourMS
		add("DELETE FROM chunks WHERE start < ?", end)
		add("DELETE FROM times WHERE start < ?", end)
		add("DELETE FROM tops WHERE start < ?", end)
		add("DELETE FROM procs WHERE exited > 0 AND last_seen < ?", end)
		add("DELETE FROM exits WHERE ts < ?", end)
	case oldestAgg.Valid:
		add("DELETE FROM aggs WHERE start < ?", oldestAgg.Int64+hourMS)
	case oldestAgg10.Valid:
		add("DELETE FROM aggs10 WHERE start = ?", oldestAgg10.Int64)
	default:
		return 0, nil
	}
	tx, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var total int64
	for _, st := range steps {
		res, err := tx.Exec(st.q, st.arg)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, tx.Commit()
}

// Size returns the bytes of the database's pages in use and of its main
// file, as last measured by maintenance, and how many rows were deleted to
// keep within Options.MaxSize. Safe to call from any goroutine.
func (s *Store) Size() (used, file int64, evicted uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size.used, s.size.file, s.size.evicted
}

// sizeNow measures the file at open, so Health has a size before the
// first maintenance.
func (s *Store) sizeNow() {
	used, file, err := s.pages()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.size.used, s.size.file = used, file
	s.mu.Unlock()
}
