package store

import (
	"cmp"
	"database/sql"
	"math"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// The exits table keeps the processes the kernel's process events saw
// exit (reading.Exits): their parent, lifetime, final CPU and I/O and how
// they ended, which the procs table (a pass's diff) cannot know and never
// sees for a process shorter than a pass. A reading keeps at most
// exitsByCPU rows of the busiest (those that used at least exitMinCPU)
// and exitsNews more of those that ended on a signal or with a status
// other than 0; the others of the reading are one row (pid 0) holding
// their count and their summed CPU and I/O, so totals stay whole while a
// fork storm adds a few rows a reading. The text is cmdlines', as for
// procs; CPU and lifetime are whole milliseconds, which SQLite stores in
// 2–3 bytes where a REAL takes 8 (TestMeasureExits).
const (
	exitsTable = `CREATE TABLE IF NOT EXISTS exits (
		ts INTEGER NOT NULL, pid INTEGER NOT NULL, ppid INTEGER NOT NULL, life_ms INTEGER NOT NULL,
		cmd INTEGER NOT NULL, cpu_ms INTEGER NOT NULL, read_bytes INTEGER NOT NULL, write_bytes INTEGER NOT NULL,
		status INTEGER NOT NULL, signal INTEGER NOT NULL, flags INTEGER NOT NULL,
		count INTEGER NOT NULL, lost INTEGER NOT NULL)`
	exitsIndex = `CREATE INDEX IF NOT EXISTS exits_ts ON exits (ts)`
	insertExit = `INSERT INTO exits (ts, pid, ppid, life_ms, cmd, cpu_ms, read_bytes, write_bytes, status, signal, flags, count, lost)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// How many exits of one reading are kept one by one: the busiest by CPU,
// then those that failed (a crash loop is news even when cheap). An exit
// that used less CPU than exitMinCPU and ended well explains nothing by
// itself: it is in the sums.
const (
	exitsByCPU = 3
	exitsNews  = 2
	exitMinCPU = 0.01
)

// The flags column's bits.
const (
	exitFinal = 1 << iota // CPU and I/O read at the exit, not at the exec
	exitCore              // the signal dumped core
)

// exitRow is one pending row of exits.
type exitRow struct {
	pid, ppid          int32
	life               int64
	comm, cmdline      string
	cpu                float64
	read, write        uint64
	status, signal     int
	flags, count, lost int64
}

// appendExits turns a reading's exits into writes: the kept ones, and one
// row for the rest (and the exits the kernel dropped) when there are any.
func appendExits(ops []op, t int64, ex *reading.Exits) []op {
	if ex == nil || len(ex.Processes)+ex.Lost == 0 {
		return ops
	}
	idx := make([]int, len(ex.Processes))
	for i := range idx {
		idx[i] = i
	}
	ps := ex.Processes
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ps[b].CPUTime, ps[a].CPUTime) })
	kept := make([]bool, len(ps))
	for _, i := range idx[:min(exitsByCPU, len(idx))] {
		kept[i] = ps[i].CPUTime >= exitMinCPU
	}
	news := 0
	for _, i := range idx {
		if news < exitsNews && !kept[i] && (ps[i].Signal != 0 || ps[i].Status != 0) {
			kept[i], news = true, news+1
		}
	}
	rest := exitRow{lost: int64(ex.Lost)}
	var last int64
	for i := range ps {
		p := &ps[i]
		at := ms(p.Exit)
		if p.Exit.IsZero() {
			at = t
		}
		last = max(last, at)
		if !kept[i] {
			rest.count++
			rest.cpu += max(p.CPUTime, 0)
			rest.read += p.ReadBytes
			rest.write += p.WriteBytes
			continue
		}
		r := &exitRow{pid: p.PID, ppid: p.PPID, comm: p.Comm, cmdline: p.Cmdline, cpu: max(p.CPUTime, 0),
			read: p.ReadBytes, write: p.WriteBytes, status: p.Status, signal: p.Signal, count: 1}
		switch {
		case p.Lifetime > 0:
			r.life = int64(math.Round(p.Lifetime * 1000))
		case !p.Start.IsZero() && p.Exit.After(p.Start):
			r.life = ms(p.Exit) - ms(p.Start)
		}
		if p.Final {
			r.flags |= exitFinal
		}
		if p.CoreDumped {
			r.flags |= exitCore
		}
		ops = append(ops, op{kind: opExit, ts: at, exit: r})
	}
	if rest.count+rest.lost > 0 {
		if last == 0 {
			last = t
		}
		ops = append(ops, op{kind: opExit, ts: last, exit: &rest})
	}
	return ops
}

func execExit(st *sql.Stmt, cmdlines *cmdlineStmts, o *op) error {
	r := o.exit
	var cmd int64
	if r.pid != 0 {
		var err error
		if cmd, err = cmdlines.id(r.comm, r.cmdline, ""); err != nil {
			return err
		}
	}
	_, err := st.Exec(o.ts, r.pid, r.ppid, r.life, cmd, int64(math.Round(r.cpu*1000)), int64(min(r.read, 1<<62)), int64(min(r.write, 1<<62)),
		r.status, r.signal, r.flags, r.count, r.lost)
	return err
}

// Exits is what the exits table holds of a span.
type Exits struct {
	// Processes are the exits kept one by one, most CPU first, at most
	// the limit asked for.
	Processes []reading.ExitedProcess `json:"processes"`
	// Count is every exit seen in the span, kept or not; CPUSeconds,
	// ReadBytes and WriteBytes are their sums.
	Count      int     `json:"count"`
	CPUSeconds float64 `json:"cpu_seconds"`
	ReadBytes  uint64  `json:"io_read_bytes"`
	WriteBytes uint64  `json:"io_write_bytes"`
	// Unlisted counts those not kept one by one (only their sums are);
	// Lost the exits the kernel dropped, of which nothing is known.
	Unlisted int `json:"unlisted"`
	Lost     int `json:"lost"`
}

// Exits returns the processes that exited in [from, to): up to limit of
// them one by one (all when limit ≤ 0), and the totals of all.
func (s *Store) Exits(from, to time.Time, limit int) (Exits, error) {
	var out Exits
	err := s.scanExits(ms(from), ms(to), func(p reading.ExitedProcess, count, lost int) {
		out.Count += count
		out.Lost += lost
		out.CPUSeconds += p.CPUTime
		out.ReadBytes += p.ReadBytes
		out.WriteBytes += p.WriteBytes
		if p.PID == 0 {
			out.Unlisted += count
			return
		}
		out.Processes = append(out.Processes, p)
	})
	slices.SortStableFunc(out.Processes, func(a, b reading.ExitedProcess) int {
		return cmp.Or(cmp.Compare(b.CPUTime, a.CPUTime), a.Exit.Compare(b.Exit), cmp.Compare(a.PID, b.PID))
	})
	if limit > 0 && len(out.Processes) > limit {
		out.Processes = out.Processes[:limit]
	}
	return out, err
}

// scanExits calls fn with each row of exits in [from, to), in time order:
// a process (PID 0 for the row of those not kept one by one), how many
// exits the row stands for and how many were lost.
func (s *Store) scanExits(from, to int64, fn func(p reading.ExitedProcess, count, lost int)) error {
	rows, err := s.db.Query(`SELECT e.ts, e.pid, e.ppid, e.life_ms, coalesce(c.comm, ''), coalesce(c.cmdline, ''), e.cpu_ms,
		e.read_bytes, e.write_bytes, e.status, e.signal, e.flags, e.count, e.lost
		FROM exits e LEFT JOIN cmdlines c ON c.id = e.cmd WHERE e.ts >= ? AND e.ts < ? ORDER BY e.ts, e.rowid`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p reading.ExitedProcess
		var ts, life, cpu, rd, wr, flags int64
		var count, lost int
		if err := rows.Scan(&ts, &p.PID, &p.PPID, &life, &p.Comm, &p.Cmdline, &cpu, &rd, &wr,
			&p.Status, &p.Signal, &flags, &count, &lost); err != nil {
			return err
		}
		p.Exit, p.CPUTime = fromMS(ts), float64(cpu)/1000
		if life > 0 {
			p.Start = fromMS(ts - life)
			p.Lifetime = float64(life) / 1000
		}
		p.ReadBytes, p.WriteBytes = uint64(max(rd, 0)), uint64(max(wr, 0))
		p.Final, p.CoreDumped = flags&exitFinal != 0, flags&exitCore != 0
		fn(p, count, lost)
	}
	return rows.Err()
}

// replayExits gives the processes readings of a replay window the exits
// recorded with them, those from from on. A row's time is its exit's (the
// row of sums, the last exit's), which the reading that carried it is at
// or after, so each row goes to the first processes reading at or after
// its time; a row whose reading falls in the next window is left to it. When the window
// has any exits, the recorder was watching them, so a reading with none
// says that nothing exited rather than that nothing could be seen.
func (s *Store) replayExits(byKey map[readingKey]*reading.Reading, from, to int64) error {
	var procs []int64
	for k := range byKey {
		if k.sensor == reading.SensorProcesses {
			procs = append(procs, k.ts)
		}
	}
	if len(procs) == 0 {
		return nil
	}
	slices.Sort(procs)
	seen := false
	err := s.scanExits(from, to, func(p reading.ExitedProcess, count, lost int) {
		seen = true
		i, _ := slices.BinarySearch(procs, ms(p.Exit))
		if i == len(procs) {
			return
		}
		r := byKey[readingKey{procs[i], reading.SensorProcesses}]
		if r.Exits == nil {
			r.Exits = &reading.Exits{Watching: true}
		}
		ex := r.Exits
		ex.Lost += lost
		if p.PID == 0 {
			ex.Summed += count
			ex.SummedCPU += p.CPUTime
			return
		}
		ex.Processes = append(ex.Processes, p)
	})
	if err != nil || !seen {
		return err
	}
	for _, t := range procs {
		if r := byKey[readingKey{t, reading.SensorProcesses}]; r.Exits == nil {
			r.Exits = &reading.Exits{Watching: true}
		}
	}
	return nil
}
