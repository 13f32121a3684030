package store

import (
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

// rollupReadings is a memory reading every 30 s for days, values cycling
// through 0..99 so every hour has the same min, max and mean.
func rollupReadings(start time.Time, days int) []reading.Reading {
	n := days * 24 * 120
	rs := make([]reading.Reading, 0, n)
	for i := range n {
		rs = append(rs, reading.Reading{Sensor: reading.SensorMemory, Time: start.Add(time.Duration(i) * 30 * time.Second), Primary: reading.MemUsedPercent,
			Status: reading.Normal, Metrics: []reading.Metric{{Name: reading.MemUsedPercent, Value: float64(i % 100), Unit: reading.Percent}}})
	}
	return rs
}

// hourly folds rs into hourly points, as Series with a 1-hour step must
// answer whatever resolution the store keeps.
func hourly(rs []reading.Reading) []Point {
	var b bucketer
	b.step = int64(time.Hour / time.Millisecond)
	for _, r := range rs {
		v := r.Metrics[0].Value
		b.add(ms(r.Time), v, v, v, 1)
	}
	return b.pts
}

// TestRollupAcrossBoundary records four days and asks for them once the
// oldest two are rolled up into 10-minute aggregates: hourly answers are
// the same as before the roll-up, 1-minute ones stay for the last two
// days, and the first reading's time is still known.
func TestRollupAcrossBoundary(t *testing.T) {
	t.Parallel()
	start := base.Truncate(24 * time.Hour)
	end := start.Add(4 * 24 * time.Hour)
	s := openTest(t, end)
	in := rollupReadings(start, 4)
	record(t, s, in)
	want := hourly(in)
	approx := cmpopts.EquateApprox(0, 1e-9)
	ask := func(stage string) {
		t.Helper()
		got, err := s.Series(reading.SensorMemory, nil, start, end, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got[0].Points, approx, cmpopts.EquateApproxTime(0)); diff != "" {
			t.Errorf("%s: hourly Series mismatch (-want +got):\n%s", stage, diff)
		}
	}
	if err := s.Compact(start.Add(36 * time.Hour)); err != nil { // nothing old enough to roll
		t.Fatal(err)
	}
	ask("before roll-up")
	if err := s.Compact(end); err != nil {
		t.Fatal(err)
	}
	var minutes, tens int
	s.db.QueryRow("SELECT count(*) FROM aggs WHERE start < ?", ms(start.Add(48*time.Hour))).Scan(&minutes)
	s.db.QueryRow("SELECT count(*) FROM aggs10").Scan(&tens)
	// Two series (the reading's status and its metric), a row per day.
	if minutes != 0 || tens != 4 {
		t.Fatalf("after roll-up: %d 1-minute rows older than two days, %d 10-minute rows; want 0 and 4 (a row per series and day)", minutes, tens)
	}
	ask("after roll-up")

	// Unstepped, the old days answer in 10-minute points, the next in
	// 1-minute ones, the last day in raw samples; no sample is lost.
	got, err := s.Series(reading.SensorMemory, nil, start, end, 0)
	if err != nil {
		t.Fatal(err)
	}
	var count int
	var steps []time.Duration
	pts := got[0].Points
	for i, p := range pts {
		count += p.Count
		if i > 0 && (len(steps) == 0 || steps[len(steps)-1] != p.Time.Sub(pts[i-1].Time)) {
			steps = append(steps, p.Time.Sub(pts[i-1].Time))
		}
	}
	if count != len(in) {
		t.Errorf("unstepped Series counts %d samples, want %d", count, len(in))
	}
	if diff := cmp.Diff([]time.Duration{10 * time.Minute, time.Minute, 30 * time.Second}, steps); diff != "" {
		t.Errorf("resolutions over four days (-want +got):\n%s", diff)
	}
	first, _, ok, err := s.Span()
	if err != nil || !ok || !first.Equal(start) {
		t.Errorf("Span first = %v, %v, %v; want %v", first, ok, err, start)
	}
	// The report over the four days reads all three resolutions: the
	// mean of every sample, and the first day's peak, rolled up.
	rep, err := s.Report(start, end)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, r := range in {
		sum += r.Metrics[0].Value
	}
	mean := sum / float64(len(in))
	if len(rep.Peaks) != 1 || rep.Peaks[0].Max != 99 || !rep.Peaks[0].At.Equal(start.Add(40*time.Minute)) || math.Abs(rep.Peaks[0].Mean-mean) > 1e-9 {
		t.Errorf("report peaks over the boundary: %+v, want max 99 at %v (the first 10-minute point holding it), mean %v", rep.Peaks, start.Add(40*time.Minute), mean)
	}
	// Late minutes for a rolled-up day merge into its row.
	late := []reading.Reading{{Sensor: reading.SensorMemory, Time: start.Add(5*time.Hour + 15*time.Second), Status: reading.Normal, Primary: reading.MemUsedPercent,
		Metrics: []reading.Metric{{Name: reading.MemUsedPercent, Value: 1000, Unit: reading.Percent}}}}
	record(t, s, late)
	if err := s.Compact(end); err != nil {
		t.Fatal(err)
	}
	got, err = s.Series(reading.SensorMemory, nil, start.Add(5*time.Hour), start.Add(5*time.Hour+10*time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0].Points) != 1 || got[0].Points[0].Count != 21 || got[0].Points[0].Max != 1000 {
		t.Errorf("late sample in a rolled-up day: got %+v, want one 10-minute point of 21 samples, max 1000", got[0].Points)
	}
}

// TestRollupCrash makes a roll-up fail after it wrote the 10-minute row
// and before the minutes were deleted: the transaction leaves the minutes
// as they were and no 10-minute row, and the next step rolls them.
func TestRollupCrash(t *testing.T) {
	t.Parallel()
	start := base.Truncate(24 * time.Hour)
	end := start.Add(3 * 24 * time.Hour)
	s := openTest(t, end)
	in := rollupReadings(start, 1)
	record(t, s, in)
	if err := s.Compact(start.Add(26 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	var before int
	s.db.QueryRow("SELECT count(*) FROM aggs").Scan(&before)
	if _, err := s.db.Exec(`CREATE TRIGGER crash BEFORE DELETE ON aggs BEGIN SELECT RAISE(ABORT, 'crash'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.rollupStep(end); err == nil {
		t.Fatal("rollupStep succeeded through a failing delete")
	}
	var after, tens int
	s.db.QueryRow("SELECT count(*) FROM aggs").Scan(&after)
	s.db.QueryRow("SELECT count(*) FROM aggs10").Scan(&tens)
	if after != before || tens != 0 {
		t.Fatalf("after a failed roll-up: %d 1-minute rows (want %d), %d 10-minute rows (want 0)", after, before, tens)
	}
	s.db.Exec("DROP TRIGGER crash")
	if err := s.Compact(end); err != nil {
		t.Fatal(err)
	}
	got, err := s.Series(reading.SensorMemory, nil, start, end, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hourly(in), got[0].Points, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("hourly Series after the retried roll-up (-want +got):\n%s", diff)
	}
}

// TestMigrateV2Idempotent reopens a database whose events and 10-minute
// tables exist though its version says 2 (a migration repeated, or a schema another
// branch created first): the migration goes through.
func TestMigrateV2Idempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec("PRAGMA user_version = 2")
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("reopening at version 2 with aggs10 present: %v", err)
	}
	defer s.Close()
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != schemaVersion {
		t.Errorf("user_version = %d, want %d", version, schemaVersion)
	}
}

// TestHourRowsBesideLegacyRows reads an hour whose first half is in
// 10-minute rows, as versions before hour rows wrote them, and whose rest
// is in an hour row: the points come back in time order, and a late
// reading in a legacy span replaces that span's row.
func TestHourRowsBesideLegacyRows(t *testing.T) {
	t.Parallel()
	start := base.Truncate(time.Hour)
	s := openTest(t, start.Add(2*time.Hour))
	in := rollupReadings(start, 1)[:120]
	record(t, s, in)
	if err := s.Compact(start.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Series(reading.SensorMemory, nil, start, start.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	id := all[0].ID
	var data []byte
	s.db.QueryRow("SELECT data FROM aggs WHERE series = ? AND start = ?", id, ms(start)).Scan(&data)
	var b bucketer
	if _, err := foldAggRow(data, ms(start), ms(start)+hourMS, &b); err != nil || len(b.pts) != 60 {
		t.Fatalf("the hour row holds %d minutes (%v), want 60", len(b.pts), err)
	}
	s.db.Exec("DELETE FROM aggs WHERE series = ?", id)
	// The hour row shares its start with the hour's first span: a span
	// compacted after the upgrade took that legacy row in as its hour row.
	for sp := 1; sp < 3; sp++ {
		s.db.Exec("INSERT INTO aggs (series, start, data) VALUES (?, ?, ?)", id, ms(start)+int64(sp)*spanMS, encodePoints(b.pts[sp*10:sp*10+10]))
	}
	s.db.Exec("INSERT INTO aggs (series, start, data) VALUES (?, ?, ?)", id, ms(start), encodePoints(append(slices.Clone(b.pts[:10]), b.pts[30:]...)))
	s.db.Exec("DELETE FROM chunks")
	got, err := s.Series(reading.SensorMemory, nil, start, start.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b.pts, got[0].Points, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("legacy and hour rows (-want +got):\n%s", diff)
	}
	// A late reading in the legacy span at :10 moves that span's
	// minutes into the hour row.
	late := in[20+3]
	late.Metrics = []reading.Metric{{Name: reading.MemUsedPercent, Value: 1000, Unit: reading.Percent}}
	late.Time = late.Time.Add(time.Second)
	record(t, s, []reading.Reading{late})
	if err := s.Compact(start.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	var starts []int64
	rows, _ := s.db.Query("SELECT start FROM aggs WHERE series = ? ORDER BY start", id)
	for rows.Next() {
		var st int64
		rows.Scan(&st)
		starts = append(starts, st-ms(start))
	}
	rows.Close()
	if diff := cmp.Diff([]int64{0, 2 * spanMS}, starts); diff != "" {
		t.Errorf("rows after a late reading in the legacy span (-want +got):\n%s", diff)
	}
	// The span's minutes are what its chunk holds now (raw was dropped
	// above: the late reading alone), in the hour row.
	s.db.QueryRow("SELECT data FROM aggs WHERE series = ? AND start = ?", id, ms(start)).Scan(&data)
	var h bucketer
	foldAggRow(data, ms(start)+spanMS, ms(start)+2*spanMS, &h)
	if len(h.pts) != 1 || !h.pts[0].Time.Equal(start.Add(11*time.Minute)) || h.pts[0].Max != 1000 {
		t.Errorf("the hour row's minutes of the late span: %+v, want the late reading's", h.pts)
	}
}
