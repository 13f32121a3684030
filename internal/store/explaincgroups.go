package store

import (
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
// [from, to), as points reads one series, but the journal once for all:
// each journal entry holds every series of its reading.
func (s *Store) manyPoints(sensor string, infos []SeriesInfo, from, to int64) ([][]Point, error) {
	bs := make([]bucketer, len(infos))
	// journalFrom is, per series, where its journal samples start: after
	// its last compacted one.
	journalFrom := map[int64]int64{}
	index := map[int64]int{}
	first := to
	for i, si := range infos {
		index[si.ID] = i
		rs, err := s.rawStart(si, from, to)
		if err != nil {
			return nil, err
		}
		if from < rs {
			if err := s.aggPoints(si.ID, from, min(rs, to), &bs[i]); err != nil {
				return nil, err
			}
		}
		if rs < to {
			last, err := s.chunkPoints(si, rs, to, &bs[i])
			if err != nil {
				return nil, err
			}
			journalFrom[si.ID] = max(rs, last+1)
			first = min(first, max(rs, last+1))
		}
	}
	rows, err := s.db.Query("SELECT ts, data FROM journal WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts", sensor, first, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var samples []sample
	var tops []topProc
	for rows.Next() {
		var t int64
		var data []byte
		if err := rows.Scan(&t, &data); err != nil {
			return nil, err
		}
		if samples, tops, err = decodeEntry(data, samples[:0], tops[:0]); err != nil {
			continue
		}
		for _, sm := range samples {
			if jf, ok := journalFrom[sm.series]; ok && t >= jf {
				bs[index[sm.series]].add(t, sm.value, sm.value, sm.value, 1)
			}
		}
	}
	out := make([][]Point, len(infos))
	for i := range bs {
		out[i] = bs[i].pts
	}
	return out, rows.Err()
}
