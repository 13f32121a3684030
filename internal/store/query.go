package store

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// SeriesInfo names one recorded series.
type SeriesInfo struct {
	ID     int64           `json:"-"`
	Sensor string          `json:"sensor"`
	Metric string          `json:"metric"`
	Labels []reading.Label `json:"labels,omitempty"`
	Unit   reading.Unit    `json:"unit,omitempty"`
	Kind   reading.Kind    `json:"-"`
}

// Point is a series over one step: the min, mean and max of its Count
// samples. With step 0 a point is one raw sample (Count 1) or, past the raw
// retention, one minute's aggregate.
type Point struct {
	Time  time.Time `json:"time"`
	Min   float64   `json:"min"`
	Mean  float64   `json:"mean"`
	Max   float64   `json:"max"`
	Count int       `json:"count"`
}

// SeriesPoints is one series and its points in time order.
type SeriesPoints struct {
	SeriesInfo
	Points []Point `json:"points"`
}

// ErrUnknownMetric is returned by Series for a metric never recorded.
var ErrUnknownMetric = errors.New("metric not recorded")

// series returns the recorded series of metric whose labels include all
// of labels. A sensor name stands for the sensor's primary metric.
func (s *Store) series(metric string, labels []reading.Label) ([]SeriesInfo, error) {
	var prim string
	switch err := s.db.QueryRow("SELECT primary_metric FROM sensors WHERE name = ?", metric).Scan(&prim); {
	case err == nil && prim != "":
		metric = prim
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	out, err := s.querySeries("WHERE metric = ? ORDER BY id", []any{metric}, func(si SeriesInfo) bool {
		return reading.Labels(si.Labels).Has(labels)
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %q%s (vigia history --list shows what is)", ErrUnknownMetric, metric, reading.Labels(labels))
	}
	return out, nil
}

func scanSeries(rows *sql.Rows) (SeriesInfo, error) {
	var si SeriesInfo
	var labels, unit string
	var kind int
	if err := rows.Scan(&si.ID, &si.Sensor, &si.Metric, &labels, &unit, &kind); err != nil {
		return si, err
	}
	ls, err := reading.ParseLabels(labels)
	if err != nil {
		return si, fmt.Errorf("series %d: %w", si.ID, err)
	}
	si.Labels, si.Unit, si.Kind = ls, reading.Unit(unit), reading.Kind(kind)
	return si, nil
}

// List returns every recorded series, ordered by sensor and metric.
func (s *Store) List() ([]SeriesInfo, error) {
	return s.querySeries("WHERE metric != '' ORDER BY sensor, metric, labels", nil, nil)
}

// querySeries returns the rows of the series table that the SQL tail (a
// WHERE and ORDER BY clause) selects with args, keeping those keep accepts
// (all of them when keep is nil).
func (s *Store) querySeries(tail string, args []any, keep func(SeriesInfo) bool) ([]SeriesInfo, error) {
	rows, err := s.db.Query("SELECT id, sensor, metric, labels, unit, kind FROM series "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SeriesInfo
	for rows.Next() {
		si, err := scanSeries(rows)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(si) {
			out = append(out, si)
		}
	}
	return out, rows.Err()
}

// Series returns metric's series whose labels include labels, over
// [from, to), in points of step (0: every sample). Raw samples answer where
// they are still kept, 1-minute aggregates before that.
func (s *Store) Series(metric string, labels []reading.Label, from, to time.Time, step time.Duration) ([]SeriesPoints, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("empty time range: %s is not before %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	infos, err := s.series(metric, labels)
	if err != nil {
		return nil, err
	}
	out := make([]SeriesPoints, 0, len(infos))
	for _, si := range infos {
		pts, err := s.points(si, ms(from), ms(to), step.Milliseconds())
		if err != nil {
			return nil, err
		}
		out = append(out, SeriesPoints{SeriesInfo: si, Points: pts})
	}
	return out, nil
}

// points reads one series over [from, to).
func (s *Store) points(si SeriesInfo, from, to, step int64) ([]Point, error) {
	rs, err := s.rawStart(si, from, to)
	if err != nil {
		return nil, err
	}
	var b bucketer
	b.step = step
	if from < rs {
		if err := s.aggPoints(si.ID, from, min(rs, to), &b); err != nil {
			return nil, err
		}
	}
	if rs < to {
		if err := s.rawPoints(si, rs, to, &b); err != nil {
			return nil, err
		}
	}
	return b.pts, nil
}

// rawStart returns where si's raw samples begin within [from, to): before
// it only aggregates remain (to when it has no raw samples at all).
func (s *Store) rawStart(si SeriesInfo, from, to int64) (int64, error) {
	var rawStart sql.NullInt64
	if err := s.db.QueryRow("SELECT min(start) FROM chunks WHERE series = ?", si.ID).Scan(&rawStart); err != nil {
		return 0, err
	}
	if !rawStart.Valid {
		if err := s.db.QueryRow("SELECT min(ts) FROM journal WHERE sensor = ?", si.Sensor).Scan(&rawStart); err != nil {
			return 0, err
		}
	}
	if !rawStart.Valid {
		return to, nil
	}
	return max(rawStart.Int64, from), nil
}

// bucketer folds samples or aggregates, in time order, into step-aligned
// points.
type bucketer struct {
	step int64
	pts  []Point
	cur  int64
}

func (b *bucketer) add(t int64, lo, mean, hi float64, n int) {
	k := t
	if b.step > 0 {
		k = t - mod(t, b.step)
	}
	if l := len(b.pts); l > 0 && b.cur == k && b.step > 0 {
		p := &b.pts[l-1]
		p.Min = min(p.Min, lo)
		p.Max = max(p.Max, hi)
		p.Mean += (mean - p.Mean) * float64(n) / float64(p.Count+n)
		p.Count += n
		return
	}
	b.cur = k
	b.pts = append(b.pts, Point{Time: fromMS(k), Min: lo, Mean: mean, Max: hi, Count: n})
}

// aggPoints adds the aggregates of series id in [from, to) to b: the
// 10-minute ones of days rolled up, then the 1-minute ones after them.
func (s *Store) aggPoints(id, from, to int64, b *bucketer) error {
	from, err := s.aggs10Points(id, from, to, b)
	if err != nil {
		return err
	}
	rows, err := s.db.Query("SELECT data FROM aggs WHERE series = ? AND start > ? AND start < ? ORDER BY start", id, from-hourMS, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	pts, err := sortedAggs(rows, from, to)
	if err != nil {
		return fmt.Errorf("aggregates of series %d: %w", id, err)
	}
	for _, p := range pts {
		b.add(p.t, p.lo, p.mean, p.hi, p.n)
	}
	return nil
}

func (s *Store) rawPoints(si SeriesInfo, from, to int64, b *bucketer) error {
	last, err := s.chunkPoints(si, from, to, b)
	if err != nil {
		return err
	}
	// The journal holds what is not compacted yet.
	return s.journalSamples(si.Sensor, max(from, last+1), to, func(t int64, sm sample) {
		if sm.series == si.ID {
			b.add(t, sm.value, sm.value, sm.value, 1)
		}
	})
}

// journalSamples calls each with every sample of sensor's journal entries
// in [from, to), in time order. An entry that does not decode is skipped:
// one torn write must not hide the rest.
func (s *Store) journalSamples(sensor string, from, to int64, each func(t int64, sm sample)) error {
	rows, err := s.db.Query("SELECT ts, data FROM journal WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts", sensor, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var samples []sample
	var tops []topProc
	for rows.Next() {
		var t int64
		var data []byte
		if err := rows.Scan(&t, &data); err != nil {
			return err
		}
		if samples, tops, err = decodeEntry(data, samples[:0], tops[:0]); err != nil {
			continue
		}
		for _, sm := range samples {
			each(t, sm)
		}
	}
	return rows.Err()
}

// chunkPoints adds the compacted samples of si in [from, to) to b and
// returns the time of the last (math.MinInt64 when none).
func (s *Store) chunkPoints(si SeriesInfo, from, to int64, b *bucketer) (int64, error) {
	rows, err := s.db.Query(`SELECT c.data, t.data FROM chunks c LEFT JOIN times t ON t.sensor = ? AND t.start = c.start
		WHERE c.series = ? AND c.start > ? AND c.start < ? ORDER BY c.start`, si.Sensor, si.ID, from-spanMS, to)
	if err != nil {
		return 0, err
	}
	var ts, shared []int64
	cols := make([][]float64, 1)
	last := int64(math.MinInt64)
	for rows.Next() {
		var data, times []byte
		if err := rows.Scan(&data, &times); err != nil {
			rows.Close()
			return 0, err
		}
		shared = shared[:0]
		if times != nil {
			if shared, err = decodeChunk(times, nil, shared, nil); err != nil {
				rows.Close()
				return 0, fmt.Errorf("times of %s: %w", si.Sensor, err)
			}
		}
		ts, cols[0] = ts[:0], cols[0][:0]
		if ts, err = decodeChunk(data, shared, ts, cols); err != nil {
			rows.Close()
			return 0, fmt.Errorf("samples of series %d: %w", si.ID, err)
		}
		for i, t := range ts {
			if t >= from && t < to {
				v := cols[0][i]
				b.add(t, v, v, v, 1)
				last = t
			}
		}
	}
	rows.Close()
	return last, rows.Err()
}

// Readings returns the recorded readings in [from, to) in time order (and
// by sensor name within one instant), rebuilt as the outputs received
// them: every metric, status, error and note, alert transitions, and for
// the procs sensor the top processes by CPU and by memory (not the whole
// table). It reads one chunk span at a time, so a day can be replayed in
// little memory. Stop ranging to stop early.
func (s *Store) Readings(from, to time.Time) iter.Seq2[reading.Reading, error] {
	return func(yield func(reading.Reading, error) bool) {
		meta, err := s.loadMeta()
		if err != nil {
			yield(reading.Reading{}, err)
			return
		}
		f, t := ms(from), ms(to)
		// An exit recorded just before a span's start belongs to the
		// span's first processes reading: each window takes the exits
		// from after the last processes reading yielded.
		exitsFrom := f
		for w := f - mod(f, spanMS); w < t; w += spanMS {
			rs, err := s.window(meta, w, max(f, w), min(t, w+spanMS), exitsFrom)
			if err != nil {
				yield(reading.Reading{}, err)
				return
			}
			for _, r := range rs {
				if r.Sensor == reading.SensorProcesses {
					exitsFrom = ms(r.Time) + 1
				}
			}
			for _, r := range rs {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

type meta struct {
	series  map[int64]SeriesInfo
	primary map[string]string
	procs   map[int64]reading.Process
}

func (s *Store) loadMeta() (*meta, error) {
	m := &meta{series: map[int64]SeriesInfo{}, primary: map[string]string{}, procs: map[int64]reading.Process{}}
	all, err := s.querySeries("", nil, nil)
	if err != nil {
		return nil, err
	}
	for _, si := range all {
		m.series[si.ID] = si
	}
	prow, err := s.db.Query("SELECT name, primary_metric FROM sensors")
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	for prow.Next() {
		var n, p string
		if err := prow.Scan(&n, &p); err != nil {
			return nil, err
		}
		m.primary[n] = p
	}
	return m, prow.Err()
}

func (s *Store) proc(m *meta, id int64) (reading.Process, error) {
	if p, ok := m.procs[id]; ok {
		return p, nil
	}
	var p reading.Process
	var started int64
	err := s.db.QueryRow("SELECT p.pid, p.started, "+procNames+" FROM "+procsJoined+" WHERE p.id = ?", id).Scan(&p.PID, &started, &p.Comm, &p.Cmdline, &p.User)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	p.Start = fromMS(started)
	m.procs[id] = p
	return p, nil
}

type readingKey struct {
	ts     int64
	sensor string
}

// window rebuilds the readings of the span starting at w that fall in
// [from, to), giving its processes readings the exits from exitsFrom on.
func (s *Store) window(m *meta, w, from, to, exitsFrom int64) ([]reading.Reading, error) {
	byKey := map[readingKey]*reading.Reading{}
	ids := map[readingKey][]int64{}
	get := func(ts int64, sensor string) *reading.Reading {
		k := readingKey{ts, sensor}
		r := byKey[k]
		if r == nil {
			r = &reading.Reading{Sensor: sensor, Time: fromMS(ts), Primary: m.primary[sensor], Metrics: []reading.Metric{}}
			byKey[k] = r
		}
		return r
	}
	addSample := func(ts, id int64, v float64) {
		si, ok := m.series[id]
		if !ok || ts < from || ts >= to {
			return
		}
		r := get(ts, si.Sensor)
		if si.Metric == statusMetric {
			r.Status = reading.Status(v)
			return
		}
		k := readingKey{ts, si.Sensor}
		ids[k] = append(ids[k], id)
		r.Metrics = append(r.Metrics, reading.Metric{Name: si.Metric, Labels: si.Labels, Value: v, Unit: si.Unit, Kind: si.Kind})
	}
	addTops := func(ts int64, tp []topProc) error {
		if ts < from || ts >= to {
			return nil
		}
		r := get(ts, reading.SensorProcesses)
		for _, t := range tp {
			p, err := s.proc(m, t.proc)
			if err != nil {
				return err
			}
			p.CPUPercent, p.RSS = t.cpu, t.rss
			if t.io {
				p.ReadRate, p.WriteRate = float64(t.readRate), float64(t.writeRate)
			}
			if t.more {
				p.Threads, p.CPUTime = int32(min(t.threads, math.MaxInt32)), t.cpuTime
				if t.state != 0 {
					p.State = string(rune(t.state))
				}
			}
			r.Processes = append(r.Processes, p)
		}
		return nil
	}

	times := map[string][]int64{}
	trows, err := s.db.Query("SELECT sensor, data FROM times WHERE start = ?", w)
	if err != nil {
		return nil, err
	}
	for trows.Next() {
		var sensor string
		var data []byte
		if err := trows.Scan(&sensor, &data); err != nil {
			trows.Close()
			return nil, err
		}
		if times[sensor], err = decodeChunk(data, nil, nil, nil); err != nil {
			trows.Close()
			return nil, fmt.Errorf("times of %s: %w", sensor, err)
		}
	}
	trows.Close()
	rows, err := s.db.Query("SELECT series, data FROM chunks WHERE start = ?", w)
	if err != nil {
		return nil, err
	}
	var ts []int64
	cols := make([][]float64, 1)
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			rows.Close()
			return nil, err
		}
		ts, cols[0] = ts[:0], cols[0][:0]
		if ts, err = decodeChunk(data, times[m.series[id].Sensor], ts, cols); err != nil {
			rows.Close()
			return nil, fmt.Errorf("samples of series %d: %w", id, err)
		}
		for i, t := range ts {
			addSample(t, id, cols[0][i])
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var data []byte
	switch err := s.db.QueryRow("SELECT data FROM tops WHERE start = ?", w).Scan(&data); {
	case err == nil:
		es, err := decodeTops(data)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if err := addTops(e.ts, e.procs); err != nil {
				return nil, err
			}
		}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	jrows, err := s.db.Query("SELECT ts, data FROM journal WHERE ts >= ? AND ts < ? ORDER BY ts", from, to)
	if err != nil {
		return nil, err
	}
	var samples []sample
	var tp []topProc
	// The top processes are named after the rows are closed: naming one
	// may query the procs table, and the store has a single connection.
	type tops struct {
		ts    int64
		procs []topProc
	}
	var pending []tops
	for jrows.Next() {
		var t int64
		if err := jrows.Scan(&t, &data); err != nil {
			jrows.Close()
			return nil, err
		}
		if samples, tp, err = decodeEntry(data, samples[:0], tp[:0]); err != nil {
			continue
		}
		for _, sm := range samples {
			addSample(t, sm.series, sm.value)
		}
		if len(tp) > 0 {
			pending = append(pending, tops{t, slices.Clone(tp)})
		}
	}
	jrows.Close()
	if err := jrows.Err(); err != nil {
		return nil, err
	}
	for _, p := range pending {
		if err := addTops(p.ts, p.procs); err != nil {
			return nil, err
		}
	}
	nrows, err := s.db.Query("SELECT ts, sensor, err, note FROM notes WHERE ts >= ? AND ts < ?", from, to)
	if err != nil {
		return nil, err
	}
	for nrows.Next() {
		var t int64
		var sensor, e, note string
		if err := nrows.Scan(&t, &sensor, &e, &note); err != nil {
			nrows.Close()
			return nil, err
		}
		r := get(t, sensor)
		r.Err, r.Note = e, note
		if e != "" {
			r.Primary = ""
		}
	}
	nrows.Close()
	trs, err := s.transitions(from, to)
	if err != nil {
		return nil, err
	}
	for _, tr := range trs {
		if r := byKey[readingKey{ms(tr.Time), tr.Sensor}]; r != nil {
			r.Transitions = append(r.Transitions, tr)
		}
	}
	if err := s.replayEvents(byKey, from, to); err != nil {
		return nil, err
	}
	if err := s.replayExits(byKey, exitsFrom, to); err != nil {
		return nil, err
	}
	out := make([]reading.Reading, 0, len(byKey))
	for k, r := range byKey {
		// Metrics come back in the order their series were first recorded.
		order := ids[k]
		idx := make([]int, len(order))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(order[a], order[b]) })
		ms := make([]reading.Metric, len(idx))
		for i, j := range idx {
			ms[i] = r.Metrics[j]
		}
		r.Metrics = ms
		// A note alone (a note carried over) does not make a reading.
		if len(r.Metrics) == 0 && r.Err == "" && len(r.Processes) == 0 && r.Status == reading.Unknown {
			continue
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b reading.Reading) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Sensor, b.Sensor)
	})
	return out, nil
}

// transitions returns the alert transitions in [from, to) in time order.
func (s *Store) transitions(from, to int64) ([]reading.Transition, error) {
	return s.queryTransitions(`SELECT `+transitionCols+` FROM transitions WHERE ts >= ? AND ts < ? ORDER BY ts, rowid`, from, to)
}

// ActiveAt returns the alerts open at t: for each rule and series, its last
// transition before t, when that left it above normal. A replay that jumps
// into the middle of a recording lists with it the alerts raised long
// before the few minutes it reads.
func (s *Store) ActiveAt(t time.Time) ([]reading.Transition, error) {
	// SQLite takes the bare columns from the row with MAX(rowid): the last
	// one written, and transitions are written in time order.
	last, err := s.queryTransitions(`SELECT `+transitionCols+` FROM transitions WHERE ts < ?
		GROUP BY rule, sensor, metric, labels HAVING rowid = MAX(rowid) ORDER BY ts`, ms(t))
	if err != nil {
		return nil, err
	}
	open := last[:0]
	for _, tr := range last {
		if tr.To > reading.Normal {
			open = append(open, tr)
		}
	}
	return open, nil
}

const transitionCols = "ts, rule, sensor, metric, labels, from_status, to_status, value, threshold, since, message"

// queryTransitions runs a query selecting transitionCols.
func (s *Store) queryTransitions(query string, args ...any) ([]reading.Transition, error) {
	rows, err := s.db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reading.Transition
	for rows.Next() {
		var tr reading.Transition
		var t, since int64
		var labels string
		if err := rows.Scan(&t, &tr.Rule, &tr.Sensor, &tr.Metric, &labels, &tr.From, &tr.To, &tr.Value, &tr.Threshold, &since, &tr.Message); err != nil {
			return nil, err
		}
		tr.Time, tr.Since = fromMS(t), fromMS(since)
		if tr.Labels, err = reading.ParseLabels(labels); err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, rows.Err()
}

// Span returns the times of the first and the last reading kept, raw or
// aggregated; ok is false when nothing is recorded. Replay uses it to
// start at the beginning and to know where the recording ends.
func (s *Store) Span() (first, last time.Time, ok bool, err error) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	var jlo, jhi sql.NullInt64
	if err := s.db.QueryRow("SELECT min(ts), max(ts) FROM journal").Scan(&jlo, &jhi); err != nil {
		return first, last, false, err
	}
	if jlo.Valid {
		lo, hi = jlo.Int64, jhi.Int64
	}
	// The oldest span may hold only aggregates, the newest raw times.
	for _, q := range []struct {
		sql  string
		cols int
	}{
		{"SELECT data FROM aggs10 WHERE start = (SELECT min(start) FROM aggs10)", 4},
		{"SELECT data FROM aggs WHERE start = (SELECT min(start) FROM aggs)", 4},
		{"SELECT data FROM times WHERE start = (SELECT min(start) FROM times)", 0},
		{"SELECT data FROM times WHERE start = (SELECT max(start) FROM times)", 0},
	} {
		rows, err := s.db.Query(q.sql)
		if err != nil {
			return first, last, false, err
		}
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return first, last, false, err
			}
			ts, err := decodeChunk(data, nil, nil, make([][]float64, q.cols))
			if err != nil || len(ts) == 0 {
				continue
			}
			lo, hi = min(lo, ts[0]), max(hi, ts[len(ts)-1])
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return first, last, false, err
		}
	}
	if lo > hi {
		return first, last, false, nil
	}
	return fromMS(lo), fromMS(hi), true, nil
}
