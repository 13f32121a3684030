package store

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// The cgroups metrics a group's usage in an explanation is made of: its
// CPU rate, its working set (memory less the page cache the kernel may
// take back, as the kubelet counts it) and its storage rates.
var cgroupMeasures = []any{reading.CgroupsCPUUsage, reading.CgroupsMemWorkingSet, reading.CgroupsIOReadRate, reading.CgroupsIOWriteRate}

// explainCgroups gathers each recorded cgroup's usage in [from, to), as
// ExplainSpan does a process's: a sample of a rate covers the time since
// the cgroups reading before it (a minute at most, so a gap adds
// nothing), a sample of memory weighs as long, and the time the readings
// cover is returned. A 1-minute aggregate (past the raw retention) covers
// its minute.
func (s *Store) explainCgroups(from, to int64) ([]explain.Usage, time.Duration, error) {
	infos, err := s.querySeries("WHERE sensor = ? AND metric IN (?, ?, ?, ?) ORDER BY id",
		append([]any{reading.SensorCgroups}, cgroupMeasures...), nil)
	if err != nil || len(infos) == 0 {
		return nil, 0, err
	}
	pts, err := s.manyPoints(reading.SensorCgroups, infos, from-minuteMS, to+minuteMS)
	if err != nil {
		return nil, 0, err
	}
	// The readings' times: every raw sample's, which a rate's interval
	// starts from.
	var times []int64
	for _, ps := range pts {
		for _, p := range ps {
			if p.Count == 1 {
				times = append(times, ms(p.Time))
			}
		}
	}
	slices.Sort(times)
	times = slices.Compact(times)
	// seconds returns the part of [from, to) a point covers, in seconds.
	seconds := func(p Point) float64 {
		t := ms(p.Time)
		lo, hi := t, t+minuteMS
		if p.Count == 1 {
			i, _ := slices.BinarySearch(times, t)
			if i == 0 {
				return 0 // the first reading: nothing known before it
			}
			lo, hi = max(times[i-1], t-minuteMS), t
		}
		return float64(max(min(hi, to)-max(lo, from), 0)) / 1000
	}
	var covered float64
	for i := 1; i < len(times); i++ {
		covered += seconds(Point{Time: fromMS(times[i]), Count: 1})
	}
	aggMinutes := map[int64]bool{}
	for _, ps := range pts {
		for _, p := range ps {
			if p.Count > 1 && !aggMinutes[ms(p.Time)] {
				aggMinutes[ms(p.Time)] = true
				covered += seconds(p)
			}
		}
	}
	use := map[string]*explain.Usage{}
	var paths []string
	for i, si := range infos {
		path := reading.Labels(si.Labels).Value("cgroup")
		if path == "" {
			continue
		}
		u := use[path]
		if u == nil {
			u = &explain.Usage{Subject: explain.Subject{Kind: explain.Cgroup, ID: path, Name: path}}
			use[path] = u
			paths = append(paths, path)
		}
		for _, p := range pts[i] {
			dt := seconds(p)
			switch si.Metric {
			case reading.CgroupsCPUUsage:
				u.CPUSeconds += p.Mean / 100 * dt
			case reading.CgroupsMemWorkingSet:
				u.RSS += p.Mean * dt
			case reading.CgroupsIOReadRate, reading.CgroupsIOWriteRate:
				u.IOBytes += p.Mean * dt
				u.HasIO = true
			}
		}
	}
	slices.Sort(paths)
	out := make([]explain.Usage, 0, len(paths))
	for _, p := range paths {
		u := use[p]
		if covered > 0 {
			u.RSS /= covered
		}
		out = append(out, *u)
	}
	return out, time.Duration(covered * float64(time.Second)), nil
}

// manyPoints reads every sample of infos (all of one sensor) in
// [from, to), as points reads one series, but the compacted spans and the
// journal once for all: each span's row of times and each journal entry
// serve every series of the sensor. Raw samples begin at the same span
// for all of a sensor's series (retention and the budget delete whole
// spans), so aggregates are read, series by series, only before it.
func (s *Store) manyPoints(sensor string, infos []SeriesInfo, from, to int64) ([][]Point, error) {
	bs := make([]bucketer, len(infos))
	index := make(map[int64]int, len(infos))
	for i, si := range infos {
		index[si.ID] = i
	}
	rs, err := s.sensorRawStart(sensor, from, to)
	if err != nil {
		return nil, err
	}
	if from < rs {
		for i, si := range infos {
			if err := s.aggPoints(si.ID, from, min(rs, to), &bs[i]); err != nil {
				return nil, err
			}
		}
	}
	if rs >= to {
		return collect(bs), nil
	}
	last, err := s.manyChunkPoints(sensor, index, bs, rs, to)
	if err != nil {
		return nil, err
	}
	// The journal holds what is not compacted yet: after the last
	// compacted sample.
	err = s.journalSamples(sensor, max(rs, last+1), to, func(t int64, sm sample) {
		if i, ok := index[sm.series]; ok {
			bs[i].add(t, sm.value, sm.value, sm.value, 1)
		}
	})
	return collect(bs), err
}

func collect(bs []bucketer) [][]Point {
	out := make([][]Point, len(bs))
	for i := range bs {
		out[i] = bs[i].pts
	}
	return out
}

// sensorRawStart is rawStart for every series of sensor at once: its
// first compacted span, or its first journal entry when none is.
func (s *Store) sensorRawStart(sensor string, from, to int64) (int64, error) {
	var first sql.NullInt64
	if err := s.db.QueryRow("SELECT min(start) FROM times WHERE sensor = ?", sensor).Scan(&first); err != nil {
		return 0, err
	}
	if !first.Valid {
		if err := s.db.QueryRow("SELECT min(ts) FROM journal WHERE sensor = ?", sensor).Scan(&first); err != nil {
			return 0, err
		}
	}
	if !first.Valid {
		return to, nil
	}
	return max(first.Int64, from), nil
}

// manyChunkPoints adds the compacted samples in [from, to) of the series
// in index to their bucketers, reading the spans' rows in one query, and
// returns the time of the last sample added (math.MinInt64 when none).
func (s *Store) manyChunkPoints(sensor string, index map[int64]int, bs []bucketer, from, to int64) (int64, error) {
	// The spans' times first: the store has one connection, which the
	// chunks' rows hold while they are read.
	times := map[int64][]int64{}
	trows, err := s.db.Query("SELECT start, data FROM times WHERE sensor = ? AND start > ? AND start < ?", sensor, from-spanMS, to)
	if err != nil {
		return 0, err
	}
	for trows.Next() {
		var start int64
		var raw []byte
		if err := trows.Scan(&start, &raw); err != nil {
			trows.Close()
			return 0, err
		}
		shared, err := decodeChunk(raw, nil, nil, nil)
		if err != nil {
			trows.Close()
			return 0, fmt.Errorf("times of %s: %w", sensor, err)
		}
		times[start] = shared
	}
	trows.Close()
	if err := trows.Err(); err != nil {
		return 0, err
	}
	rows, err := s.db.Query(`SELECT series, start, data FROM chunks WHERE start > ? AND start < ?
		AND series IN (SELECT id FROM series WHERE sensor = ?) ORDER BY start, series`, from-spanMS, to, sensor)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ts []int64
	cols := make([][]float64, 1)
	last := int64(math.MinInt64)
	for rows.Next() {
		var id, start int64
		var data []byte
		if err := rows.Scan(&id, &start, &data); err != nil {
			return 0, err
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		ts, cols[0] = ts[:0], cols[0][:0]
		if ts, err = decodeChunk(data, times[start], ts, cols); err != nil {
			return 0, fmt.Errorf("samples of series %d: %w", id, err)
		}
		for j, t := range ts {
			if t >= from && t < to {
				v := cols[0][j]
				bs[i].add(t, v, v, v, 1)
				last = max(last, t)
			}
		}
	}
	return last, rows.Err()
}
