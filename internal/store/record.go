package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// recorder turns readings into writes. Its maps are touched only by
// Record's receiving goroutine (and by Open before that).
type recorder struct {
	series     map[string]int64 // sensor \x00 metric \x00 labels → id
	nextSeries int64
	procs      map[procKey]*procState
	nextProc   int64
	primary    map[string]string
	note       map[string]string
	pass       uint64
	lastProcs  int64 // when live processes' rows were last refreshed
	top        int
	idx        []int
	key        []byte // seriesID's lookup key, built without allocating
}

type procKey struct {
	pid   int32
	start int64
}

type procState struct {
	id    int64
	comm  string // the name its row has, to see it exec
	peak  uint64
	cpu   float64
	last  int64
	pass  uint64
	dirty bool
}

func (r *recorder) load(ctx context.Context, db *sql.DB) error {
	r.series = map[string]int64{}
	r.procs = map[procKey]*procState{}
	r.primary = map[string]string{}
	r.note = map[string]string{}
	rows, err := db.QueryContext(ctx, "SELECT id, sensor, metric, labels FROM series")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sensor, metric, labels string
		if err := rows.Scan(&id, &sensor, &metric, &labels); err != nil {
			return err
		}
		r.series[sensor+"\x00"+metric+"\x00"+labels] = id
		r.nextSeries = max(r.nextSeries, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM procs").Scan(&r.nextProc); err != nil {
		return err
	}
	// Processes alive when the last recorder stopped are tracked again, so
	// a restart does not count them as new.
	prows, err := db.QueryContext(ctx, "SELECT p.id, p.pid, p.started, p.last_seen, p.peak_rss, p.cpu_time, "+procName+" FROM "+procsJoined+" WHERE p.exited = 0")
	if err != nil {
		return err
	}
	defer prows.Close()
	for prows.Next() {
		var k procKey
		st := &procState{}
		if err := prows.Scan(&st.id, &k.pid, &k.start, &st.last, &st.peak, &st.cpu, &st.comm); err != nil {
			return err
		}
		r.procs[k] = st
	}
	if err := prows.Err(); err != nil {
		return err
	}
	srows, err := db.QueryContext(ctx, "SELECT name, primary_metric FROM sensors")
	if err != nil {
		return err
	}
	defer srows.Close()
	for srows.Next() {
		var n, p string
		if err := srows.Scan(&n, &p); err != nil {
			return err
		}
		r.primary[n] = p
	}
	return srows.Err()
}

// op is one pending write. Only journal entries may be dropped when the
// backlog is full; definitions they refer to never are.
type op struct {
	kind  opKind
	ts    int64
	id    int64
	text  [4]string
	data  []byte
	ints  [4]int64
	float [3]float64
	exit  *exitRow
}

type opKind uint8

const (
	opJournal opKind = iota
	opSeries
	opSensor
	opNote
	opProcNew
	opProcUpdate
	opProcExit
	opProcExec
	opTransition
	opEvent
	opExit
)

// namesCmdline says whether ops of kind k refer to a command line by its
// id in cmdlines.
func (k opKind) namesCmdline() bool {
	return k == opProcNew || k == opProcExec || k == opExit
}

func (o *op) size() int {
	n := 64 + len(o.data) + len(o.text[0]) + len(o.text[1]) + len(o.text[2]) + len(o.text[3])
	if o.exit != nil {
		n += 64 + len(o.exit.comm) + len(o.exit.cmdline)
	}
	return n
}

// seriesID returns the id of a series, defining it when new.
func (r *recorder) seriesID(ops []op, sensor, metric string, labels []reading.Label, unit reading.Unit, kind reading.Kind) (int64, []op) {
	r.key = append(append(append(append(r.key[:0], sensor...), 0), metric...), 0)
	r.key = reading.Labels(labels).AppendKey(r.key)
	// Most series are known: the lookup by the bytes allocates nothing,
	// where a key string cost an allocation per metric of every reading.
	if id, ok := r.series[string(r.key)]; ok {
		return id, ops
	}
	key := string(r.key)
	r.nextSeries++
	id := r.nextSeries
	r.series[key] = id
	lk := key[len(sensor)+len(metric)+2:]
	return id, append(ops, op{kind: opSeries, id: id, text: [4]string{sensor, metric, lk, string(unit)}, ints: [4]int64{int64(kind)}})
}

// encode turns one reading into writes. The journal entry is: uvarint n,
// n × (uvarint series, float64 bits), then uvarint m, m × top process
// (uvarint proc id, uvarint CPU % × 100, uvarint RSS bytes).
func (r *recorder) encode(ops []op, rd *reading.Reading) []op {
	t := ms(rd.Time)
	if p, ok := r.primary[rd.Sensor]; (!ok || p != rd.Primary) && rd.Err == "" {
		r.primary[rd.Sensor] = rd.Primary
		ops = append(ops, op{kind: opSensor, text: [4]string{rd.Sensor, rd.Primary}})
	}
	if rd.Err != "" || rd.Note != r.note[rd.Sensor] {
		r.note[rd.Sensor] = rd.Note
		ops = append(ops, op{kind: opNote, ts: t, text: [4]string{rd.Sensor, rd.Err, rd.Note}})
	}
	var data []byte
	data = binary.AppendUvarint(data, uint64(len(rd.Metrics)+1))
	var id int64
	id, ops = r.seriesID(ops, rd.Sensor, statusMetric, nil, reading.None, reading.Gauge)
	data = binary.AppendUvarint(data, uint64(id))
	data = binary.LittleEndian.AppendUint64(data, math.Float64bits(float64(rd.Status)))
	for i := range rd.Metrics {
		m := &rd.Metrics[i]
		id, ops = r.seriesID(ops, rd.Sensor, m.Name, m.Labels, m.Unit, m.Kind)
		data = binary.AppendUvarint(data, uint64(id))
		data = binary.LittleEndian.AppendUint64(data, math.Float64bits(m.Value))
	}
	if rd.Sensor == reading.SensorProcesses && rd.Err == "" {
		var top []int
		top, ops = r.processes(ops, t, rd.Processes)
		data = binary.AppendUvarint(data, uint64(len(top)))
		for _, i := range top {
			p := &rd.Processes[i]
			st := r.procs[procKey{p.PID, ms(p.Start)}]
			data = binary.AppendUvarint(data, uint64(st.id))
			data = binary.AppendUvarint(data, uint64(math.Round(max(p.CPUPercent, 0)*100)))
			data = binary.AppendUvarint(data, p.RSS)
		}
		for _, i := range top {
			p := &rd.Processes[i]
			tp := topProc{threads: uint64(max(p.Threads, 0)), cpuTime: p.CPUTime}
			if p.State != "" {
				tp.state = p.State[0]
			}
			data = appendMore(data, &tp)
		}
		for _, i := range top {
			p := &rd.Processes[i]
			tp := topProc{readRate: uint64(math.Round(max(p.ReadRate, 0))), writeRate: uint64(math.Round(max(p.WriteRate, 0)))}
			data = appendIO(data, &tp)
		}
	} else {
		data = binary.AppendUvarint(data, 0)
	}
	ops = append(ops, op{kind: opJournal, ts: t, text: [4]string{rd.Sensor}, data: data})
	for _, tr := range rd.Transitions {
		ops = append(ops, op{kind: opTransition, ts: ms(tr.Time),
			text:  [4]string{tr.Rule, tr.Sensor, tr.Metric, reading.Labels(tr.Labels).Key()},
			ints:  [4]int64{int64(tr.From), int64(tr.To), ms(tr.Since)},
			float: [3]float64{tr.Value, tr.Threshold}, data: []byte(tr.Message)})
	}
	if rd.Sensor == reading.SensorProcesses && rd.Err == "" {
		ops = appendExits(ops, t, rd.Exits)
	}
	return appendEvents(ops, rd.Events)
}

// processes tracks starts and exits over the whole table and returns the
// indexes of the top N by CPU, the top N by memory and the top N by
// storage I/O.
func (r *recorder) processes(ops []op, t int64, ps []reading.Process) ([]int, []op) {
	r.pass++
	for i := range ps {
		p := &ps[i]
		k := procKey{p.PID, ms(p.Start)}
		st, ok := r.procs[k]
		switch {
		case !ok:
			r.nextProc++
			st = &procState{id: r.nextProc, comm: p.Comm}
			r.procs[k] = st
			ops = append(ops, op{kind: opProcNew, id: st.id, ts: t,
				text: [4]string{p.Comm, p.Cmdline, p.User},
				ints: [4]int64{int64(p.PID), k.start}})
		case p.Comm != st.comm:
			// The same process (PID and start time) under a new name:
			// it exec'd since it was first seen, as a child seen between
			// fork and exec does, still named as its parent. Its row
			// takes the name and command line it runs now.
			st.comm = p.Comm
			ops = append(ops, op{kind: opProcExec, id: st.id, text: [4]string{p.Comm, p.Cmdline, p.User}})
		}
		st.pass = r.pass
		st.last = t
		st.peak = max(st.peak, p.RSS)
		st.cpu = max(st.cpu, p.CPUTime)
		st.dirty = true
	}
	refresh := t-r.lastProcs >= minuteMS
	if refresh {
		r.lastProcs = t
	}
	for k, st := range r.procs {
		switch {
		case st.pass != r.pass:
			ops = append(ops, procUpdate(st, opProcExit))
			delete(r.procs, k)
		case refresh && st.dirty:
			ops = append(ops, procUpdate(st, opProcUpdate))
			st.dirty = false
		}
	}
	n := r.top
	r.idx = r.idx[:0]
	for i := range ps {
		r.idx = append(r.idx, i)
	}
	if len(ps) <= 2*n {
		return slices.Clone(r.idx), ops
	}
	top := make([]int, 0, 3*n)
	slices.SortFunc(r.idx, func(a, b int) int { return cmp.Compare(ps[b].CPUPercent, ps[a].CPUPercent) })
	top = append(top, r.idx[:n]...)
	slices.SortFunc(r.idx, func(a, b int) int { return cmp.Compare(ps[b].RSS, ps[a].RSS) })
	for _, i := range r.idx {
		if len(top) == 2*n {
			break
		}
		if !slices.Contains(top[:n], i) {
			top = append(top, i)
		}
	}
	return appendTopIO(top, r.idx, ps, n), ops
}

// appendTopIO adds to top those of the n processes with the most storage
// I/O that it does not hold yet, so a disk hog that uses little CPU and
// memory (a backup, a checkpoint) is recorded. Only processes with some
// I/O: a quiet machine's readings grow by nothing. idx is reordered.
func appendTopIO(top, idx []int, ps []reading.Process, n int) []int {
	io := func(i int) float64 { return max(ps[i].ReadRate, 0) + max(ps[i].WriteRate, 0) }
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(io(b), io(a)) })
	for _, i := range idx[:min(n, len(idx))] {
		if io(i) <= 0 {
			break
		}
		if !slices.Contains(top, i) {
			top = append(top, i)
		}
	}
	return top
}

// procUpdate refreshes a running process's row (kind opProcUpdate) or
// marks it ended (opProcExit).
func procUpdate(st *procState, kind opKind) op {
	return op{kind: kind, id: st.id, ints: [4]int64{st.last, int64(st.peak)}, float: [3]float64{st.cpu}}
}

// flushAll marks every live process's row current; called when recording
// stops.
func (r *recorder) flushAll(ops []op) []op {
	for _, st := range r.procs {
		if st.dirty {
			ops = append(ops, procUpdate(st, opProcUpdate))
			st.dirty = false
		}
	}
	return ops
}

// ErrRecording is returned by Record while another Record of the same
// Store runs.
var ErrRecording = errors.New("store is already recording")

// Record writes every reading from in until in is closed, then flushes and
// returns. Readings are encoded as they come and written off this path by
// a second goroutine, a transaction per FlushInterval, so a slow disk never
// holds up the channel. While writes fail (full or read-only disk) the
// encoded readings wait in a backlog capped at MaxBacklog bytes, the oldest
// dropped and counted, and Err and Health say why; writing is retried,
// backing off to once every 5 s, and resumes by itself when the disk
// accepts it again.
//
// When ctx is done Record keeps draining in for up to two seconds (the
// engine closes its channels after it drains), then flushes and returns.
// Both goroutines have exited when Record returns. The error is non-nil
// only when the last flush failed: readings were lost.
func (s *Store) Record(ctx context.Context, in <-chan reading.Reading) error {
	if s.opts.ReadOnly {
		return errors.New("store opened read-only cannot record")
	}
	s.mu.Lock()
	if s.recording {
		s.mu.Unlock()
		return ErrRecording
	}
	s.recording = true
	s.rec.top = s.opts.TopProcesses
	s.mu.Unlock()

	done := make(chan struct{})
	var wg sync.WaitGroup
	var final error
	wg.Go(func() { final = s.writer(done) })

	var ops []op
	add := func(r *reading.Reading) {
		ops = s.rec.encode(ops[:0], r)
		s.enqueue(ops)
	}
	var grace <-chan time.Time
loop:
	for {
		select {
		case r, ok := <-in:
			if !ok {
				break loop
			}
			add(&r)
		case <-ctx.Done():
			if grace == nil {
				grace = time.After(2 * time.Second)
			}
			select {
			case r, ok := <-in:
				if !ok {
					break loop
				}
				add(&r)
			case <-grace:
				break loop
			}
		}
	}
	s.enqueue(s.rec.flushAll(ops[:0]))
	close(done)
	wg.Wait()
	s.mu.Lock()
	s.recording = false
	s.mu.Unlock()
	return final
}

func (s *Store) enqueue(ops []op) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range ops {
		s.backlogBytes += ops[i].size()
	}
	s.backlog = append(s.backlog, ops...)
	s.trimLocked()
	if len(ops) > 0 {
		select {
		case s.pending <- struct{}{}:
		default: // the writer has been told already
		}
	}
}

// trimLocked drops the oldest journal entries while the backlog is over
// its cap, down to nine tenths of it so that a full disk costs one pass over
// the backlog now and then rather than one per reading.
func (s *Store) trimLocked() {
	if s.backlogBytes <= s.opts.MaxBacklog {
		return
	}
	target := s.opts.MaxBacklog / 10 * 9
	kept := s.backlog[:0]
	for i := range s.backlog {
		o := &s.backlog[i]
		if o.kind == opJournal && s.backlogBytes > target {
			s.backlogBytes -= o.size()
			s.dropped++
			continue
		}
		kept = append(kept, *o)
	}
	clear(s.backlog[len(kept):])
	s.backlog = kept
}

// maxRetry is the longest wait between two attempts to write while the
// disk refuses: each attempt rewrites the whole backlog, so a full disk
// must not cost a core, yet writing resumes within seconds of space
// returning.
const maxRetry = 5 * time.Second

// writer flushes FlushInterval after the first reading it has not written
// (backing off while writes fail) and runs maintenance after a flush, until
// done is closed; then it flushes once more and returns that flush's
// error. A burst of readings (the sensors on one cadence) arrives within a
// few milliseconds, so it is written in one transaction, and the writer
// does not wake while no reading comes: a ticker every FlushInterval
// opened a transaction for every part of a burst the tick fell between,
// and woke the agent twice a second to find nothing.
func (s *Store) writer(done <-chan struct{}) error {
	timer := time.NewTimer(0)
	<-timer.C
	defer timer.Stop()
	armed := false // timer runs: a flush or a retry is due
	stmts := &writeStmts{}
	defer stmts.close()
	var lastMaint time.Time
	wait := s.opts.FlushInterval
	for {
		select {
		case <-done:
			if err := s.flush(stmts); err != nil {
				h := s.Health()
				return fmt.Errorf("history: %d writes not saved: %w", h.Backlog, err)
			}
			return nil
		case <-s.pending:
			if !armed {
				timer.Reset(s.opts.FlushInterval)
				armed = true
			}
		case <-timer.C:
			armed = false
			if err := s.flush(stmts); err != nil {
				wait = min(2*wait, maxRetry)
				timer.Reset(wait)
				armed = true
				continue
			}
			wait = s.opts.FlushInterval
			if now := s.opts.Now(); now.Sub(lastMaint) >= 5*time.Second {
				lastMaint = now
				if err := s.maintain(now); err != nil {
					s.log.Warn("history maintenance failed", "error", err)
				}
			}
		}
	}
}

// flush writes the whole backlog in one transaction, or puts it back.
func (s *Store) flush(stmts *writeStmts) error {
	s.mu.Lock()
	batch, bytes := s.backlog, s.backlogBytes
	s.backlog, s.backlogBytes = nil, 0
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	n, err := s.write(stmts, batch)
	if err != nil {
		err = fmt.Errorf("write history %s: %w", s.path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.backlog = append(batch, s.backlog...)
		s.backlogBytes += bytes
		s.trimLocked()
		if s.lastErr == nil {
			s.errSince = s.opts.Now()
			s.log.Error("history writes failing; keeping readings in memory", "error", err)
		}
		s.lastErr = err
		return err
	}
	if s.lastErr != nil {
		s.log.Info("history writes resumed", "failing_since", s.errSince)
	}
	s.lastErr, s.errSince = nil, time.Time{}
	s.written += uint64(n)
	s.transactions++
	return nil
}

// opSQL returns the statement that applies an op of kind k.
func opSQL(k opKind) string {
	return [...]string{
		opJournal:    "INSERT INTO journal (ts, sensor, data) VALUES (?, ?, ?)",
		opSeries:     "INSERT OR IGNORE INTO series (id, sensor, metric, labels, unit, kind) VALUES (?, ?, ?, ?, ?, ?)",
		opSensor:     "INSERT OR REPLACE INTO sensors (name, primary_metric) VALUES (?, ?)",
		opNote:       "INSERT INTO notes (ts, sensor, err, note) VALUES (?, ?, ?, ?)",
		opProcNew:    "INSERT OR IGNORE INTO procs (id, pid, started, last_seen, exited, peak_rss, cpu_time, cmd) VALUES (?, ?, ?, ?, 0, 0, 0, ?)",
		opProcUpdate: "UPDATE procs SET last_seen = ?1, peak_rss = ?2, cpu_time = ?3 WHERE id = ?4",
		opProcExit:   procExitSQL,
		opProcExec:   "UPDATE procs SET cmd = ? WHERE id = ?",
		opTransition: "INSERT INTO transitions (ts, rule, sensor, metric, labels, from_status, to_status, value, threshold, since, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		opEvent:      insertEvent,
		opExit:       insertExit,
	}[k]
}

func (s *Store) write(stmts *writeStmts, batch []op) (journal int, err error) {
	if err := stmts.prepare(s.db, batch); err != nil {
		return 0, err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var inTx [opExit + 1]*sql.Stmt
	var cmdlines *cmdlineStmts
	for i := range batch {
		o := &batch[i]
		st := inTx[o.kind]
		if st == nil {
			st = tx.Stmt(stmts.ops[o.kind])
			defer st.Close()
			inTx[o.kind] = st
		}
		if o.kind.namesCmdline() && cmdlines == nil {
			cmdlines = stmts.cmdlines(tx)
			defer cmdlines.Close()
		}
		switch o.kind {
		case opJournal:
			_, err = st.Exec(o.ts, o.text[0], o.data)
			journal++
		case opSeries:
			_, err = st.Exec(o.id, o.text[0], o.text[1], o.text[2], o.text[3], o.ints[0])
		case opSensor:
			_, err = st.Exec(o.text[0], o.text[1])
		case opNote:
			_, err = st.Exec(o.ts, o.text[0], o.text[1], o.text[2])
		case opProcNew, opProcExec:
			var cmd int64
			if cmd, err = cmdlines.id(o.text[0], o.text[1], o.text[2]); err != nil {
				break
			}
			if o.kind == opProcExec {
				_, err = st.Exec(cmd, o.id)
			} else {
				_, err = st.Exec(o.id, o.ints[0], o.ints[1], o.ts, cmd)
			}
		case opProcUpdate, opProcExit:
			_, err = st.Exec(o.ints[0], o.ints[1], o.float[0], o.id)
		case opExit:
			err = execExit(st, cmdlines, o)
		case opTransition:
			_, err = st.Exec(o.ts, o.text[0], o.text[1], o.text[2], o.text[3], o.ints[0], o.ints[1], o.float[0], o.float[1], o.ints[2], string(o.data))
		case opEvent:
			_, err = execEvent(st, o)
		}
		if err != nil {
			return 0, err
		}
	}
	return journal, tx.Commit()
}
