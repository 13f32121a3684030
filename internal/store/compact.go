package store

import (
	"bytes"
	"compress/flate"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// sample is one value of one series in a journal entry.
type sample struct {
	series int64
	value  float64
}

// topProc is one process of a procs reading's top list.
type topProc struct {
	proc int64
	cpu  float64 // % of one core
	rss  uint64
	// more says threads, cpuTime and state were recorded: recordings
	// made before they were have none.
	more    bool
	threads uint64
	cpuTime float64 // seconds
	state   byte    // as /proc/PID/stat has it; 0 when unknown
	// io says the I/O rates were recorded: recordings made before they
	// were have none.
	io                  bool
	readRate, writeRate uint64 // bytes per second
}

// appendIO writes a top process's storage read and write rates. They
// follow appendMore's part of the whole list, after what older versions
// read (they ignore what follows), so each reads the other's recordings.
func appendIO(b []byte, p *topProc) []byte {
	b = binary.AppendUvarint(b, p.readRate)
	return binary.AppendUvarint(b, p.writeRate)
}

// readIO reads what appendIO wrote into the processes of tops, when rd
// holds it.
func readIO(rd *bytes.Reader, tops []topProc) error {
	if rd.Len() == 0 {
		return nil // recorded before I/O rates were
	}
	for i := range tops {
		r, err := binary.ReadUvarint(rd)
		if err != nil {
			return err
		}
		w, err := binary.ReadUvarint(rd)
		if err != nil {
			return err
		}
		tops[i].io, tops[i].readRate, tops[i].writeRate = true, r, w
	}
	return nil
}

// appendMore writes what a top process has beyond its id, CPU and RSS:
// threads, CPU time × 100 and state. These follow the whole list, after
// what older versions read, so each reads the other's recordings.
func appendMore(b []byte, p *topProc) []byte {
	b = binary.AppendUvarint(b, p.threads)
	b = binary.AppendUvarint(b, uint64(math.Round(max(p.cpuTime, 0)*100)))
	return append(b, p.state)
}

// readMore reads what appendMore wrote into the processes of tops, when
// rd holds it.
func readMore(rd *bytes.Reader, tops []topProc) error {
	if rd.Len() == 0 {
		return nil // recorded before threads, CPU time and state were
	}
	for i := range tops {
		th, err := binary.ReadUvarint(rd)
		if err != nil {
			return err
		}
		ct, err := binary.ReadUvarint(rd)
		if err != nil {
			return err
		}
		st, err := rd.ReadByte()
		if err != nil {
			return err
		}
		tops[i].more, tops[i].threads, tops[i].cpuTime, tops[i].state = true, th, float64(ct)/100, st
	}
	return nil
}

var errCorruptEntry = errors.New("corrupt journal entry")

// decodeEntry reads a journal entry (see recorder.encode).
func decodeEntry(data []byte, samples []sample, tops []topProc) ([]sample, []topProc, error) {
	rd := bytes.NewReader(data)
	n, err := binary.ReadUvarint(rd)
	if err != nil || n > uint64(len(data)) {
		return samples, tops, errCorruptEntry
	}
	var u [8]byte
	for range n {
		id, err := binary.ReadUvarint(rd)
		if err != nil {
			return samples, tops, errCorruptEntry
		}
		if _, err := io.ReadFull(rd, u[:]); err != nil {
			return samples, tops, errCorruptEntry
		}
		samples = append(samples, sample{int64(id), math.Float64frombits(binary.LittleEndian.Uint64(u[:]))})
	}
	m, err := binary.ReadUvarint(rd)
	if err != nil || m > uint64(len(data)) {
		return samples, tops, errCorruptEntry
	}
	first := len(tops)
	for range m {
		var v [3]uint64
		for i := range v {
			if v[i], err = binary.ReadUvarint(rd); err != nil {
				return samples, tops, errCorruptEntry
			}
		}
		tops = append(tops, topProc{proc: int64(v[0]), cpu: float64(v[1]) / 100, rss: v[2]})
	}
	if readMore(rd, tops[first:]) != nil || readIO(rd, tops[first:]) != nil {
		return samples, tops, errCorruptEntry
	}
	return samples, tops, nil
}

// topsEntry is the top list of one procs reading.
type topsEntry struct {
	ts    int64
	procs []topProc
}

// encodeTops packs a span's top lists: uvarint n, then per entry zig-zag
// ts delta, uvarint count, and per process id, CPU × 100, RSS; then, for
// every process of every entry in the same order, appendMore's part (which
// older versions do not read); deflated, because the same processes recur
// reading after reading.
func encodeTops(es []topsEntry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(es)))
	var prev int64
	for _, e := range es {
		b = binary.AppendVarint(b, e.ts-prev)
		prev = e.ts
		b = binary.AppendUvarint(b, uint64(len(e.procs)))
		for _, p := range e.procs {
			b = binary.AppendUvarint(b, uint64(p.proc))
			b = binary.AppendUvarint(b, uint64(math.Round(p.cpu*100)))
			b = binary.AppendUvarint(b, p.rss)
		}
	}
	if allMore(es) {
		for _, e := range es {
			for i := range e.procs {
				b = appendMore(b, &e.procs[i])
			}
		}
		if allIO(es) {
			for _, e := range es {
				for i := range e.procs {
					b = appendIO(b, &e.procs[i])
				}
			}
		}
	}
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.DefaultCompression)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

func decodeTops(data []byte) ([]topsEntry, error) {
	b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), 256<<20))
	if err != nil {
		return nil, fmt.Errorf("corrupt process samples: %w", err)
	}
	rd := bytes.NewReader(b)
	n, err := binary.ReadUvarint(rd)
	if err != nil || n > uint64(len(b)) {
		return nil, errors.New("corrupt process samples")
	}
	es := make([]topsEntry, 0, n)
	var ts int64
	for range n {
		d, err := binary.ReadVarint(rd)
		if err != nil {
			return nil, errors.New("corrupt process samples")
		}
		ts += d
		m, err := binary.ReadUvarint(rd)
		if err != nil || m > uint64(len(b)) {
			return nil, errors.New("corrupt process samples")
		}
		e := topsEntry{ts: ts, procs: make([]topProc, m)}
		for i := range e.procs {
			var v [3]uint64
			for j := range v {
				if v[j], err = binary.ReadUvarint(rd); err != nil {
					return nil, errors.New("corrupt process samples")
				}
			}
			e.procs[i] = topProc{proc: int64(v[0]), cpu: float64(v[1]) / 100, rss: v[2]}
		}
		es = append(es, e)
	}
	if rd.Len() > 0 {
		for _, e := range es {
			if err := readMore(rd, e.procs); err != nil {
				return nil, errors.New("corrupt process samples")
			}
		}
	}
	if rd.Len() > 0 {
		for _, e := range es {
			if err := readIO(rd, e.procs); err != nil {
				return nil, errors.New("corrupt process samples")
			}
		}
	}
	return es, nil
}

// allIO says every process of es has I/O rates, as allMore says of
// threads.
func allIO(es []topsEntry) bool {
	for _, e := range es {
		for _, p := range e.procs {
			if !p.io {
				return false
			}
		}
	}
	return true
}

// allMore says every process of es has threads, CPU time and state: a
// span recorded partly by an older version keeps none, as its list is
// one section for all.
func allMore(es []topsEntry) bool {
	for _, e := range es {
		for _, p := range e.procs {
			if !p.more {
				return false
			}
		}
	}
	return true
}

// maintain does one bounded step of background work: compact the oldest
// finished span still in the journal, or else delete a few batches of data
// past retention. Each step is its own short transaction, so recording
// (which only appends to the in-memory backlog meanwhile) never pauses.
func (s *Store) maintain(now time.Time) error {
	did, err := s.compactStep(ms(now))
	if err != nil || did {
		return err
	}
	// One series-day a step, a few steps each time: a day of 2,000
	// series is rolled up in under ten minutes, each step a short
	// transaction that queries wait behind for a millisecond or two.
	for range 20 {
		if did, err = s.rollupStep(now); err != nil || !did {
			break
		}
	}
	if err != nil {
		return err
	}
	if !now.Before(s.retainAt) {
		n, err := s.retain(now, 5)
		if err != nil {
			return err
		}
		// Its eleven deletes found nothing at most 5 s after they last
		// did, so they wait a minute (retention is counted in hours and
		// days; at 5 s they were a tenth of the store's CPU). While they
		// find rows they run at every step, to catch up.
		if n == 0 {
			s.retainAt = now.Add(retainEvery)
		}
	}
	_, err = s.budget(5)
	return err
}

// retainEvery is how long maintain waits to look for data past
// retention once a look found none.
const retainEvery = time.Minute

// Compact compacts every finished span of the journal, rolls up old
// 1-minute aggregates and applies retention and the size budget until nothing is left to do. Record does this by itself in
// small steps; Compact is for tests, benchmarks and tools.
func (s *Store) Compact(now time.Time) error {
	for {
		did, err := s.compactStep(ms(now))
		if err != nil {
			return err
		}
		if !did {
			break
		}
	}
	for {
		did, err := s.rollupStep(now)
		if err != nil {
			return err
		}
		if !did {
			break
		}
	}
	for {
		n, err := s.retain(now, 100)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	_, err := s.budget(1 << 30)
	return err
}

// compactStep moves the journal rows of the oldest span that ended before
// now into chunks, aggregates and process samples, merging with what a
// span already holds (rows written late, after a disk was full).
func (s *Store) compactStep(now int64) (bool, error) {
	cur := now - mod(now, spanMS)
	var minTS sql.NullInt64
	if err := s.db.QueryRow("SELECT min(ts) FROM journal").Scan(&minTS); err != nil {
		return false, err
	}
	if !minTS.Valid || minTS.Int64 >= cur {
		return false, nil
	}
	start := minTS.Int64 - mod(minTS.Int64, spanMS)
	end := start + spanMS

	type col struct {
		sensor string
		ts     []int64
		vals   []float64
	}
	times := map[string][]int64{} // each sensor's reading times
	cols := map[int64]*col{}
	var tops []topsEntry
	rows, err := s.db.Query("SELECT ts, sensor, data FROM journal WHERE ts >= ? AND ts < ? ORDER BY ts", start, end)
	if err != nil {
		return false, err
	}
	var samples []sample
	var tp []topProc
	for rows.Next() {
		var ts int64
		var sensor string
		var data []byte
		if err := rows.Scan(&ts, &sensor, &data); err != nil {
			rows.Close()
			return false, err
		}
		samples, tp, err = decodeEntry(data, samples[:0], tp[:0])
		if err != nil {
			s.log.Warn("skipping a corrupt journal entry", "ts", fromMS(ts))
			continue
		}
		if st := times[sensor]; len(st) == 0 || st[len(st)-1] != ts {
			times[sensor] = append(st, ts)
		}
		for _, sm := range samples {
			c := cols[sm.series]
			if c == nil {
				c = &col{sensor: sensor}
				cols[sm.series] = c
			}
			c.ts = append(c.ts, ts)
			c.vals = append(c.vals, sm.value)
		}
		if len(tp) > 0 {
			tops = append(tops, topsEntry{ts: ts, procs: slices.Clone(tp)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}

	tx, err := s.db.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	get, err := tx.Prepare("SELECT c.data, t.data FROM chunks c LEFT JOIN times t ON t.sensor = ? AND t.start = c.start WHERE c.series = ? AND c.start = ?")
	if err != nil {
		return false, err
	}
	defer get.Close()
	putChunk, err := tx.Prepare("INSERT OR REPLACE INTO chunks (series, start, data) VALUES (?, ?, ?)")
	if err != nil {
		return false, err
	}
	defer putChunk.Close()
	aggs, err := newHourAggs(tx, start)
	if err != nil {
		return false, err
	}
	defer aggs.close()
	// A sensor's times are kept once per span and shared by every series
	// present in all its readings, unless the span already has times
	// (readings written late): those series keep their own.
	shared := map[string]bool{}
	for sensor, ts := range times {
		res, err := tx.Exec("INSERT OR IGNORE INTO times (sensor, start, data) VALUES (?, ?, ?)", sensor, start, appendChunk(nil, ts))
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		shared[sensor] = n == 1
	}
	ids := make([]int64, 0, len(cols))
	for id := range cols {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var buf []byte
	for _, id := range ids {
		c := cols[id]
		var old, oldTimes []byte
		switch err := get.QueryRow(c.sensor, id, start).Scan(&old, &oldTimes); {
		case err == nil:
			var st []int64
			if oldTimes != nil {
				st, _ = decodeChunk(oldTimes, nil, nil, nil)
			}
			ocols := make([][]float64, 1)
			if ots, err := decodeChunk(old, st, nil, ocols); err == nil {
				c.ts, c.vals = mergeSamples(ots, ocols[0], c.ts, c.vals)
			}
		case !errors.Is(err, sql.ErrNoRows):
			return false, err
		}
		if old == nil && shared[c.sensor] && slices.Equal(c.ts, times[c.sensor]) {
			buf = appendSharedChunk(buf[:0], c.vals)
		} else {
			buf = appendChunk(buf[:0], c.ts, c.vals)
		}
		if _, err := putChunk.Exec(id, start, buf); err != nil {
			return false, err
		}
		if err := aggs.put(id, aggregate(c.ts, c.vals)); err != nil {
			return false, err
		}
	}
	if len(tops) > 0 {
		var old []byte
		switch err := tx.QueryRow("SELECT data FROM tops WHERE start = ?", start).Scan(&old); {
		case err == nil:
			if prev, err := decodeTops(old); err == nil {
				tops = append(prev, tops...)
				slices.SortStableFunc(tops, func(a, b topsEntry) int { return int(a.ts - b.ts) })
			}
		case !errors.Is(err, sql.ErrNoRows):
			return false, err
		}
		if _, err := tx.Exec("INSERT OR REPLACE INTO tops (start, data) VALUES (?, ?)", start, encodeTops(tops)); err != nil {
			return false, err
		}
	}
	if _, err := tx.Exec("DELETE FROM journal WHERE ts >= ? AND ts < ?", start, end); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// mergeSamples merges two time-sorted sample lists.
func mergeSamples(at []int64, av []float64, bt []int64, bv []float64) ([]int64, []float64) {
	ts := make([]int64, 0, len(at)+len(bt))
	vs := make([]float64, 0, len(at)+len(bt))
	i, j := 0, 0
	for i < len(at) || j < len(bt) {
		if j == len(bt) || (i < len(at) && at[i] <= bt[j]) {
			ts, vs = append(ts, at[i]), append(vs, av[i])
			i++
		} else {
			ts, vs = append(ts, bt[j]), append(vs, bv[j])
			j++
		}
	}
	return ts, vs
}

type aggs struct {
	ts                    []int64
	min, mean, max, count []float64
}

// aggregate folds time-sorted samples into 1-minute min, mean, max and
// count, each minute stamped with its start.
func aggregate(ts []int64, vals []float64) aggs {
	var a aggs
	for i, t := range ts {
		m := t - mod(t, minuteMS)
		v := vals[i]
		n := len(a.ts)
		if n == 0 || a.ts[n-1] != m {
			a.ts = append(a.ts, m)
			a.min = append(a.min, v)
			a.mean = append(a.mean, v)
			a.max = append(a.max, v)
			a.count = append(a.count, 1)
			continue
		}
		a.min[n-1] = min(a.min[n-1], v)
		a.max[n-1] = max(a.max[n-1], v)
		a.count[n-1]++
		a.mean[n-1] += (v - a.mean[n-1]) / a.count[n-1]
	}
	return a
}

// retain deletes up to batches batches of rows past retention and returns
// how many rows went. A chunk goes once all of its span is older than its
// retention; alert transitions, events and notes once older than the aggregates'
// retention; ended processes once last seen longer ago than Processes; the
// exits table's rows, the finest detail of processes (each exit of a
// reading), with the raw samples: a month of them at one exit a second
// would take about a quarter of the default size budget, and the processes
// table keeps each process seen for the week.
func (s *Store) retain(now time.Time, batches int) (int64, error) {
	raw := ms(now.Add(-s.opts.Raw)) - spanMS
	agg := ms(now.Add(-s.opts.Aggregates))
	procs := ms(now.Add(-s.opts.Processes))
	steps := []struct {
		q   string
		arg int64
	}{
		{"DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks WHERE start <= ? LIMIT 1000)", raw},
		{"DELETE FROM tops WHERE start IN (SELECT start FROM tops WHERE start <= ? LIMIT 100)", raw},
		{"DELETE FROM times WHERE rowid IN (SELECT rowid FROM times WHERE start <= ? LIMIT 1000)", raw},
		{"DELETE FROM journal WHERE rowid IN (SELECT rowid FROM journal WHERE ts < ? LIMIT 1000)", raw + spanMS},
		{"DELETE FROM aggs WHERE rowid IN (SELECT rowid FROM aggs WHERE start <= ? LIMIT 1000)", agg - hourMS},
		{"DELETE FROM aggs10 WHERE rowid IN (SELECT rowid FROM aggs10 WHERE start <= ? LIMIT 1000)", agg - dayMS},
		{"DELETE FROM transitions WHERE rowid IN (SELECT rowid FROM transitions WHERE ts < ? LIMIT 1000)", agg},
		{"DELETE FROM notes WHERE rowid IN (SELECT rowid FROM notes WHERE ts < ? LIMIT 1000)", agg},
		{"DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE ts < ? LIMIT 1000)", agg},
		{"DELETE FROM procs WHERE id IN (SELECT id FROM procs WHERE last_seen < ? AND exited > 0 LIMIT 1000)", procs},
		{"DELETE FROM exits WHERE rowid IN (SELECT rowid FROM exits WHERE ts < ? LIMIT 1000)", raw + spanMS},
	}
	var total int64
	procsGone := false
	for _, st := range steps {
		for range batches {
			res, err := s.db.Exec(st.q, st.arg)
			if err != nil {
				return total, err
			}
			n, _ := res.RowsAffected()
			total += n
			if n == 0 {
				break
			}
			procsGone = procsGone || strings.HasPrefix(st.q, "DELETE FROM procs") || strings.HasPrefix(st.q, "DELETE FROM exits")
		}
	}
	if procsGone {
		if _, err := s.db.Exec(dropUnusedCmdlines); err != nil {
			return total, err
		}
	}
	return total, nil
}

// mod is the non-negative remainder, so times before 1970 align too.
func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
