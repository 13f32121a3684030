package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// dayMS is the span of a 10-minute aggregates row: one row per series and
// UTC day keeps the per-row cost (rowid, key, index entry, about 60 bytes)
// to 1/144 of what one per 10-minute span would cost, which for the many
// constant series of cgroups is most of their size.
const dayMS = int64(24 * time.Hour / time.Millisecond)

// tenMinuteMS is the resolution of the rolled-up aggregates.
const tenMinuteMS = 10 * minuteMS

// rollupAfter is the age past which 1-minute aggregates are folded into
// 10-minute ones. A month of 1-minute aggregates was two thirds of a
// month's file; two days of them keep the last weekend's detail.
const rollupAfter = 48 * time.Hour

// rollupStep folds the 1-minute aggregates of the oldest series-day that
// ended more than rollupAfter before now into one 10-minute row, in one
// transaction: a crash leaves the minutes or their roll-up, never neither
// or a half. It merges with a row the day already has (minutes written
// late, after a full disk). It reports whether it did anything.
func (s *Store) rollupStep(now time.Time) (bool, error) {
	cutoff := ms(now.Add(-rollupAfter))
	var series, start int64
	switch err := s.db.QueryRow("SELECT series, start FROM aggs ORDER BY start LIMIT 1").Scan(&series, &start); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	day := start - mod(start, dayMS)
	if day+dayMS > cutoff {
		return false, nil
	}
	tx, err := s.db.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	b := bucketer{step: tenMinuteMS}
	var old []byte
	if err := tx.QueryRow("SELECT data FROM aggs10 WHERE series = ? AND start = ?", series, day).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	var pts []Point
	if old != nil {
		ob := bucketer{step: tenMinuteMS}
		if _, err := foldAggRow(old, day, day+dayMS, &ob); err != nil {
			s.log.Warn("replacing corrupt 10-minute aggregates", "series", series, "day", fromMS(day), "error", err)
		}
		pts = ob.pts
	}
	rows, err := tx.Query("SELECT data FROM aggs WHERE series = ? AND start >= ? AND start < ? ORDER BY start", series, day, day+dayMS)
	if err != nil {
		return false, err
	}
	mins, err := sortedAggs(rows, day, day+dayMS)
	rows.Close()
	if err != nil && !errors.Is(err, errCorruptChunk) {
		return false, err
	}
	if err != nil {
		// Corrupt minutes are not rolled: they are lost either way, and
		// must not stop the store's maintenance.
		s.log.Warn("skipping corrupt 1-minute aggregates", "series", series, "day", fromMS(day), "error", err)
	}
	for _, p := range mins {
		b.add(p.t, p.lo, p.mean, p.hi, p.n)
	}
	pts = mergePoints(pts, b.pts)
	if len(pts) > 0 {
		if _, err := tx.Exec("INSERT OR REPLACE INTO aggs10 (series, start, data) VALUES (?, ?, ?)", series, day, encodePoints(pts)); err != nil {
			return false, err
		}
	}
	if _, err := tx.Exec("DELETE FROM aggs WHERE series = ? AND start >= ? AND start < ?", series, day, day+dayMS); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// foldAggRow decodes an aggregates row (1- or 10-minute) and adds its
// points in [from, to) to b. It returns the time of the last point added,
// or from-1 when none was.
func foldAggRow(data []byte, from, to int64, b *bucketer) (int64, error) {
	cols := make([][]float64, 4)
	ts, err := decodeChunk(data, nil, nil, cols)
	if err != nil {
		return from - 1, err
	}
	last := from - 1
	for i, t := range ts {
		if t >= from && t < to {
			b.add(t, cols[0][i], cols[1][i], cols[2][i], int(cols[3][i]))
			last = t
		}
	}
	return last, nil
}

// encodePoints packs points as an aggregates row: times, min, mean, max,
// count.
func encodePoints(pts []Point) []byte {
	ts := make([]int64, len(pts))
	cols := [4][]float64{}
	for i := range cols {
		cols[i] = make([]float64, len(pts))
	}
	for i, p := range pts {
		ts[i] = ms(p.Time)
		cols[0][i], cols[1][i], cols[2][i], cols[3][i] = p.Min, p.Mean, p.Max, float64(p.Count)
	}
	return appendChunk(nil, ts, cols[0], cols[1], cols[2], cols[3])
}

// mergePoints merges two time-sorted lists of points of the same step,
// folding those of the same time.
func mergePoints(a, b []Point) []Point {
	if len(a) == 0 {
		return b
	}
	out := make([]Point, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Time.Before(b[j].Time)):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Time.Before(a[i].Time):
			out = append(out, b[j])
			j++
		default:
			p, q := a[i], b[j]
			p.Min, p.Max = min(p.Min, q.Min), max(p.Max, q.Max)
			p.Mean += (q.Mean - p.Mean) * float64(q.Count) / float64(p.Count+q.Count)
			p.Count += q.Count
			out = append(out, p)
			i, j = i+1, j+1
		}
	}
	return out
}

// aggs10Points adds the 10-minute aggregates of series id in [from, to) to
// b and returns the time after the last one added (from when none was).
func (s *Store) aggs10Points(id, from, to int64, b *bucketer) (int64, error) {
	rows, err := s.db.Query("SELECT data FROM aggs10 WHERE series = ? AND start > ? AND start < ? ORDER BY start", id, from-dayMS, to)
	if err != nil {
		return from, err
	}
	defer rows.Close()
	next := from
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return from, err
		}
		last, err := foldAggRow(data, from, to, b)
		if err != nil {
			return from, fmt.Errorf("10-minute aggregates of series %d: %w", id, err)
		}
		next = max(next, last+1)
	}
	return next, rows.Err()
}
