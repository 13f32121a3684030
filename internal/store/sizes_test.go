package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestMeasureSizes prints where the bytes of a recorded hour go. Run with
// VIGIA_STORE_MEASURE=1.
func TestMeasureSizes(t *testing.T) {
	if os.Getenv("VIGIA_STORE_MEASURE") == "" {
		t.Skip("a measurement; set VIGIA_STORE_MEASURE=1")
	}
	path := filepath.Join(t.TempDir(), "vigia.db")
	sim := newSim(t, path, 1000, time.Now().Add(-24*time.Hour).Truncate(time.Hour))
	defer sim.s.Close()
	sim.run(t, time.Hour, nopTimer{})
	sim.now = sim.now.Add(10 * time.Minute)
	if err := sim.s.Compact(sim.now); err != nil {
		t.Fatal(err)
	}
	sim.s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	rows, err := sim.s.db.Query("SELECT name, sum(pgsize), count(*) FROM dbstat GROUP BY name ORDER BY 2 DESC")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var size, pages int64
		rows.Scan(&name, &size, &pages)
		t.Logf("%-22s %9d bytes %6d pages", name, size, pages)
	}
	fi, _ := os.Stat(path)
	t.Logf("file %d bytes; cpu %v", fi.Size(), sim.cpu)
	var n, sum int64
	sim.s.db.QueryRow("SELECT count(*), sum(length(data)) FROM chunks").Scan(&n, &sum)
	t.Logf("chunks: %d rows, %d bytes of data", n, sum)
	sim.s.db.QueryRow("SELECT count(*), sum(length(data)) FROM aggs").Scan(&n, &sum)
	t.Logf("aggs: %d rows, %d bytes of data", n, sum)
	sim.s.db.QueryRow("SELECT count(*), sum(length(data)) FROM tops").Scan(&n, &sum)
	t.Logf("tops: %d rows, %d bytes of data", n, sum)
}

// monthSim is a 30-day history built fast: one hour of a 1000-process,
// 40-cgroup machine recorded as Record does it (every reading encoded,
// compacted into chunks, aggregates and top lists), its rows then copied
// hour after hour with their times moved (decoded and encoded again by
// the store's own codec), and the store's own maintenance (roll-up,
// retention, budget) run on the simulated clock. Only what the defaults
// keep at day 30 is copied: raw chunks and top lists of the last day,
// 1-minute aggregates of the last three (the oldest rolled up by the
// store), ended processes of the last week, and for older days the
// 10-minute rows the store rolled up from the first day.
type monthSim struct {
	s     *Store
	start time.Time
	end   time.Time
}

func buildMonth(tb testing.TB, path string, opts Options, days int) *monthSim {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	sim := &simRecorder{m: newMachine(7, 1000, start).withCgroups(40, start), now: start}
	opts.Now = func() time.Time { return sim.now }
	s, err := Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	s.rec.top = s.opts.TopProcesses
	sim.s = s
	sim.run(tb, time.Hour, nopTimer{})
	if err := s.Compact(start.Add(time.Hour + spanMSDuration)); err != nil {
		tb.Fatal(err)
	}
	tpl := readTemplate(tb, s, start)
	hours := days * 24
	// Day 0's minutes, rolled up by the store, are the older days' rows.
	for h := 1; h < 24; h++ {
		tpl.stamp(tb, s, h, stampAggs)
	}
	sim.now = start.Add(3 * 24 * time.Hour)
	if err := s.Compact(sim.now); err != nil {
		tb.Fatal(err)
	}
	day := readRows(tb, s, "SELECT series, start, data FROM aggs10")
	for d := 1; d < days-3; d++ {
		stampRows(tb, s, "aggs10", day, time.Duration(d)*24*time.Hour, 4)
	}
	for h := 24; h < hours; h++ {
		var what stampKind
		if h >= hours-3*24 {
			what |= stampAggs
		}
		if h >= hours-25 {
			what |= stampRaw
		}
		if h >= hours-7*24-1 {
			what |= stampProcs
		}
		if what != 0 {
			tpl.stamp(tb, s, h, what)
		}
		if h%24 == 23 {
			sim.now = start.Add(time.Duration(h+1) * time.Hour)
			if err := s.Compact(sim.now); err != nil {
				tb.Fatal(err)
			}
		}
	}
	sim.now = start.Add(time.Duration(hours) * time.Hour)
	if err := s.Compact(sim.now); err != nil {
		tb.Fatal(err)
	}
	return &monthSim{s: s, start: start, end: sim.now}
}

const spanMSDuration = time.Duration(spanMS) * time.Millisecond

type stampKind int

const (
	stampAggs stampKind = 1 << iota
	stampRaw
	stampProcs
)

type row struct {
	key  any // series id, or sensor name for times, nil for tops
	ts   int64
	data []byte
}

// template is the first hour's compacted rows.
type template struct {
	aggs, chunks, times, tops []row
	sensorOf                  map[int64]string
	firstProc, procsPerHour   int64
	procs                     [][]any // the hour's new processes' columns
	exits                     [][]any // the hour's exits table rows
}

func readRows(tb testing.TB, s *Store, q string) []row {
	rows, err := s.db.Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.key, &r.ts, &r.data); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func readTemplate(tb testing.TB, s *Store, start time.Time) *template {
	t := &template{
		aggs:     readRows(tb, s, "SELECT series, start, data FROM aggs"),
		chunks:   readRows(tb, s, "SELECT series, start, data FROM chunks"),
		times:    readRows(tb, s, "SELECT sensor, start, data FROM times"),
		tops:     readRows(tb, s, "SELECT NULL, start, data FROM tops"),
		sensorOf: map[int64]string{},
	}
	rows, err := s.db.Query("SELECT id, sensor FROM series")
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var sensor string
		rows.Scan(&id, &sensor)
		t.sensorOf[id] = sensor
	}
	rows.Close()
	// The processes seen at the first reading live on; those started in
	// the hour are its churn, copied every hour.
	s.db.QueryRow("SELECT min(id) FROM procs WHERE started > ?", ms(start)).Scan(&t.firstProc)
	var last int64
	s.db.QueryRow("SELECT max(id) FROM procs").Scan(&last)
	t.procsPerHour = last - t.firstProc + 1
	erows, err := s.db.Query("SELECT ts, pid, ppid, life_ms, cmd, cpu_ms, read_bytes, write_bytes, status, signal, flags, count, lost FROM exits")
	if err != nil {
		tb.Fatal(err)
	}
	for erows.Next() {
		vals := make([]int64, 13)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := erows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = v
		}
		t.exits = append(t.exits, row)
	}
	erows.Close()
	// Kept in memory: the store's retention deletes the rows themselves
	// a week in.
	prows, err := s.db.Query("SELECT p.id, p.pid, p.started, "+procNames+", p.last_seen, p.peak_rss, p.cpu_time FROM "+procsJoined+" WHERE p.id >= ?", t.firstProc)
	if err != nil {
		tb.Fatal(err)
	}
	defer prows.Close()
	for prows.Next() {
		var id, pid, started, last, peak int64
		var comm, cmdline, user string
		var cpu float64
		if err := prows.Scan(&id, &pid, &started, &comm, &cmdline, &user, &last, &peak, &cpu); err != nil {
			tb.Fatal(err)
		}
		t.procs = append(t.procs, []any{id, pid, started, comm, cmdline, user, last, peak, cpu})
	}
	return t
}

// stamp copies the template's rows of the kinds what to hour h.
func (t *template) stamp(tb testing.TB, s *Store, h int, what stampKind) {
	shift := time.Duration(h) * time.Hour
	if what&stampAggs != 0 {
		stampRows(tb, s, "aggs", t.aggs, shift, 4)
	}
	if what&stampRaw != 0 {
		stampRows(tb, s, "times", t.times, shift, 0)
		d := shift.Milliseconds()
		tx, _ := s.db.Begin()
		defer tx.Rollback()
		for _, r := range t.chunks {
			data := r.data
			if data[0]&flagShared == 0 {
				cols := make([][]float64, 1)
				ts, err := decodeChunk(data, nil, nil, cols)
				if err != nil {
					tb.Fatal(err)
				}
				for i := range ts {
					ts[i] += d
				}
				data = appendChunk(nil, ts, cols[0])
			}
			if _, err := tx.Exec("INSERT INTO chunks (series, start, data) VALUES (?, ?, ?)", r.key, r.ts+d, data); err != nil {
				tb.Fatal(err)
			}
		}
		for _, r := range t.tops {
			es, err := decodeTops(r.data)
			if err != nil {
				tb.Fatal(err)
			}
			for i := range es {
				es[i].ts += d
				for j := range es[i].procs {
					if p := &es[i].procs[j]; p.proc >= t.firstProc {
						p.proc += int64(h) * t.procsPerHour
					}
				}
			}
			if _, err := tx.Exec("INSERT INTO tops (start, data) VALUES (?, ?)", r.ts+d, encodeTops(es)); err != nil {
				tb.Fatal(err)
			}
		}
		for _, e := range t.exits {
			moved := slices.Clone(e)
			moved[0] = e[0].(int64) + d
			if _, err := tx.Exec(insertExit, moved...); err != nil {
				tb.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	if what&stampProcs != 0 {
		d := shift.Milliseconds()
		tx, _ := s.db.Begin()
		defer tx.Rollback()
		st, err := tx.Prepare(`INSERT INTO procs (id, pid, started, last_seen, exited, peak_rss, cpu_time, cmd)
			VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 - ?3 > ` + longLifeMS + ` THEN 2 ELSE 1 END, ?5, ?6, ?7)`)
		if err != nil {
			tb.Fatal(err)
		}
		defer st.Close()
		cl := txCmdlines(tb, tx)
		defer cl.Close()
		for _, p := range t.procs {
			cmd, err := cl.id(p[3].(string), p[4].(string), p[5].(string))
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := st.Exec(p[0].(int64)+int64(h)*t.procsPerHour, p[1], p[2].(int64)+d, p[6].(int64)+d, p[7], p[8], cmd); err != nil {
				tb.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
}

// stampRows inserts rows into table (series or sensor, start, data) with
// their times moved by shift; cols is the value columns of their chunks.
func stampRows(tb testing.TB, s *Store, table string, rows []row, shift time.Duration, cols int) {
	d := shift.Milliseconds()
	tx, err := s.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	key := "series"
	if table == "times" {
		key = "sensor"
	}
	st, err := tx.Prepare("INSERT INTO " + table + " (" + key + ", start, data) VALUES (?, ?, ?)")
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	vals := make([][]float64, cols)
	for _, r := range rows {
		for i := range vals {
			vals[i] = vals[i][:0]
		}
		ts, err := decodeChunk(r.data, nil, nil, vals)
		if err != nil {
			tb.Fatal(err)
		}
		for i := range ts {
			ts[i] += d
		}
		if _, err := st.Exec(r.key, r.ts+d, appendChunk(nil, ts, vals...)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// TestMeasureMonth prints what 30 days of the default settings take, by
// table and by feature, per day. Run with VIGIA_STORE_MEASURE=1.
func TestMeasureMonth(t *testing.T) {
	if os.Getenv("VIGIA_STORE_MEASURE") == "" {
		t.Skip("a measurement; set VIGIA_STORE_MEASURE=1")
	}
	path := filepath.Join(t.TempDir(), "vigia.db")
	m := buildMonth(t, path, Options{}, 30)
	defer m.s.Close()
	m.s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	sizes := tableSizes(t, m.s)
	fi, _ := os.Stat(path)
	var free, pageSize int64
	m.s.db.QueryRow("PRAGMA freelist_count").Scan(&free)
	m.s.db.QueryRow("PRAGMA page_size").Scan(&pageSize)
	t.Logf("file %.1f MiB, of it free pages %.1f MiB", mib(fi.Size()), mib(free*pageSize))
	var procs int64
	m.s.db.QueryRow("SELECT count(*) FROM procs").Scan(&procs)
	t.Logf("processes: %d rows", procs)
	rows, err := m.s.db.Query("SELECT name, sum(pgsize), sum(ncell) FROM dbstat GROUP BY name HAVING sum(pgsize) > 65536 ORDER BY 2 DESC")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var size, cells int64
		rows.Scan(&name, &size, &cells)
		t.Logf("%-22s %7.2f MiB %8d cells", name, mib(size), cells)
	}
	rows.Close()
	defer func() {
		// What reclaiming the free pages would cost (budget.go says why
		// the store does not).
		c0, t0 := cpuTime(), time.Now()
		if _, err := m.s.db.Exec("VACUUM"); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		t.Logf("VACUUM: %v (%v of CPU), file now %.1f MiB", time.Since(t0).Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond), mib(fi.Size()))
	}()
	for _, f := range features(t, m.s, sizes) {
		t.Logf("%-40s %8.2f MiB kept %5.1f days %7.2f MiB/day", f.name, mib(f.bytes), f.days, mib(int64(float64(f.bytes)/max(f.days, 1e-9))))
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// tableSizes returns the bytes of each table with its indexes, from
// dbstat.
func tableSizes(tb testing.TB, s *Store) map[string]int64 {
	rows, err := s.db.Query("SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var size int64
		rows.Scan(&name, &size)
		out[name] = size
	}
	return out
}

type feature struct {
	name  string
	bytes int64
	days  float64
}

// features splits the tables' bytes by feature; cgroups' share of chunks
// and aggregates is their share of the rows' data.
func features(tb testing.TB, s *Store, sizes map[string]int64) []feature {
	share := func(table string) float64 {
		var cg, all float64
		s.db.QueryRow("SELECT coalesce(sum(length(data)), 0) FROM " + table + " WHERE series IN (SELECT id FROM series WHERE sensor = 'cgroups')").Scan(&cg)
		s.db.QueryRow("SELECT coalesce(sum(length(data)), 0) FROM " + table).Scan(&all)
		if all == 0 {
			return 0
		}
		return cg / all
	}
	days := func(q string) float64 {
		var lo, hi sql.NullInt64
		s.db.QueryRow(q).Scan(&lo, &hi)
		if !lo.Valid {
			return 0
		}
		return float64(hi.Int64-lo.Int64) / float64(dayMS)
	}
	raw := sizes["chunks"] + sizes["times"]
	rawDays := days("SELECT min(start), max(start) + " + strconv.FormatInt(spanMS, 10) + " FROM chunks")
	aggDays := days("SELECT min(start), max(start) + " + strconv.FormatInt(spanMS, 10) + " FROM aggs")
	a10Days := days("SELECT min(start), max(start) + " + strconv.FormatInt(dayMS, 10) + " FROM aggs10")
	cr, ca, c10 := share("chunks"), share("aggs"), share("aggs10")
	return []feature{
		{"series chunks (raw, without cgroups)", int64(float64(raw) * (1 - cr)), rawDays},
		{"cgroups chunks (raw)", int64(float64(raw) * cr), rawDays},
		{"1-minute aggregates (without cgroups)", int64(float64(sizes["aggs"]) * (1 - ca)), aggDays},
		{"cgroups 1-minute aggregates", int64(float64(sizes["aggs"]) * ca), aggDays},
		{"10-minute aggregates (without cgroups)", int64(float64(sizes["aggs10"]) * (1 - c10)), a10Days},
		{"cgroups 10-minute aggregates", int64(float64(sizes["aggs10"]) * c10), a10Days},
		{"tops (top 10 by CPU and memory)", sizes["tops"], days("SELECT min(start), max(start) + " + strconv.FormatInt(spanMS, 10) + " FROM tops")},
		{"procs (ended processes)", sizes["procs"] + sizes["cmdlines"], days("SELECT min(last_seen), max(last_seen) FROM procs WHERE exited > 0")},
		{"exits (processes seen to exit)", sizes["exits"], days("SELECT min(ts), max(ts) FROM exits")},
		{"transitions", sizes["transitions"], 30},
		{"journal, series, notes, other", sizes["journal"] + sizes["series"] + sizes["notes"] + sizes["sensors"] + sizes["sqlite_schema"], 30},
	}
}
