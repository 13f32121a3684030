package store

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"time"
)

// hourMS is the span of a 1-minute aggregates row. Rows used to span a
// chunk (10 minutes); at an hour the row's own cost (rowid, key, two index
// entries: about 60 bytes) is paid once for 60 minutes instead of 10, and
// deflate sees six times the data. For the many near-constant series of
// cgroups that halved the aggregates' size (docs/PERFORMANCE.md). Rows of
// 10 minutes written before stay and are read alongside.
const hourMS = int64(time.Hour / time.Millisecond)

// hourAggs writes a span's 1-minute aggregates into the rows of the hour
// that holds it, replacing the span's minutes there and keeping the
// others.
type hourAggs struct {
	start, end, hour     int64
	get, put1, delLegacy *sql.Stmt
}

func newHourAggs(tx *sql.Tx, start int64) (*hourAggs, error) {
	h := &hourAggs{start: start, end: start + spanMS, hour: start - mod(start, hourMS)}
	var err error
	if h.get, err = tx.Prepare("SELECT data FROM aggs WHERE series = ? AND start = ?"); err != nil {
		return nil, err
	}
	if h.put1, err = tx.Prepare("INSERT OR REPLACE INTO aggs (series, start, data) VALUES (?, ?, ?)"); err != nil {
		h.close()
		return nil, err
	}
	// A span rewritten (readings written late) replaces its aggregates:
	// a row of the span's own, from before rows spanned an hour, goes.
	if h.delLegacy, err = tx.Prepare("DELETE FROM aggs WHERE series = ? AND start = ? AND start != ?"); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

func (h *hourAggs) close() {
	for _, st := range []*sql.Stmt{h.get, h.put1, h.delLegacy} {
		if st != nil {
			st.Close()
		}
	}
}

// put replaces the minutes of the span in series id's hour row with a.
func (h *hourAggs) put(id int64, a aggs) error {
	pts := make([]Point, len(a.ts))
	for i, t := range a.ts {
		pts[i] = Point{Time: fromMS(t), Min: a.min[i], Mean: a.mean[i], Max: a.max[i], Count: int(a.count[i])}
	}
	var old []byte
	switch err := h.get.QueryRow(id, h.hour).Scan(&old); {
	case err == nil:
		var b bucketer
		// A corrupt row is replaced by what this span has.
		if _, err := foldAggRow(old, h.hour, h.hour+hourMS, &b); err == nil {
			keep := slices.DeleteFunc(b.pts, func(p Point) bool { t := ms(p.Time); return t >= h.start && t < h.end })
			pts = mergePoints(keep, pts)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := h.delLegacy.Exec(id, h.start, h.hour); err != nil {
		return err
	}
	_, err := h.put1.Exec(id, h.hour, encodePoints(pts))
	return err
}

// aggPoint is one aggregate as stored.
type aggPoint struct {
	t            int64
	lo, mean, hi float64
	n            int
}

// sortedAggs reads aggregates rows (data) and returns their points in
// [from, to) in time order, and the first corrupt row's error after
// reading the others: an hour row and the 10-minute rows of the
// same hour written before rows spanned an hour come in start order, not
// time order.
func sortedAggs(rows *sql.Rows, from, to int64) ([]aggPoint, error) {
	var out []aggPoint
	var corrupt error
	cols := make([][]float64, 4)
	var ts []int64
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		for i := range cols {
			cols[i] = cols[i][:0]
		}
		var err error
		if ts, err = decodeChunk(data, nil, ts[:0], cols); err != nil {
			corrupt = cmp.Or(corrupt, err)
			continue
		}
		for i, t := range ts {
			if t >= from && t < to {
				out = append(out, aggPoint{t, cols[0][i], cols[1][i], cols[2][i], int(cols[3][i])})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b aggPoint) int { return cmp.Compare(a.t, b.t) })
	return out, corrupt
}
