package store

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestForeignFilesRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ana')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	corrupt := filepath.Join(dir, "corrupt.db")
	b, _ := os.ReadFile(other)
	b = append([]byte(sqliteMagic), bytes.Repeat([]byte{0xAB}, len(b)-len(sqliteMagic))...)
	os.WriteFile(corrupt, b, 0o600)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("my precious notes\n"), 0o600)

	for _, path := range []string{other, corrupt, text} {
		for _, ro := range []bool{false, true} {
			before, _ := os.ReadFile(path)
			s, err := Open(path, Options{ReadOnly: ro})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s, read-only %v) succeeded, want it refused", filepath.Base(path), ro)
			}
			if !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open(%s) error = %v, want ErrForeign naming the file", filepath.Base(path), err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Errorf("Open(%s) changed the file", filepath.Base(path))
			}
		}
	}
}

func TestOpenMissingReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "none.db")
	_, err := Open(path, Options{ReadOnly: true})
	if !errors.Is(err, ErrNoHistory) {
		t.Fatalf("Open(missing, read-only) error = %v, want ErrNoHistory", err)
	}
	if _, serr := os.Stat(path); serr == nil {
		t.Errorf("read-only Open created %s", path)
	}
}

func TestMigrateFromV1(t *testing.T) {
	t.Parallel()
	path := loadDump(t, "testdata/schema_v1.sql")

	if _, err := Open(path, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Errorf("read-only Open of a v1 database: error = %v, want one saying to migrate", err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(v1): %v", err)
	}
	defer s.Close()
	var version int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != schemaVersion {
		t.Errorf("user_version after migration = %d, want %d", version, schemaVersion)
	}
	var got []reading.Reading
	for r, err := range s.Readings(base, base.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []reading.Reading{{Sensor: "cpu", Time: base.Local(), Status: reading.Normal,
		Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: 42.5, Unit: reading.Percent}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v1 data after migration mismatch (-want +got):\n%s", diff)
	}
	// The migrated procs table takes users, and the old process is tracked.
	var user string
	if err := s.db.QueryRow("SELECT c.user FROM " + procsJoined + " WHERE p.pid = 4242").Scan(&user); err != nil {
		t.Errorf("procs.user after migration: %v", err)
	}
	if _, ok := s.rec.procs[procKey{4242, 1795770000000}]; !ok {
		t.Errorf("a process alive in the v1 database is not tracked after migration")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec("PRAGMA user_version = 99")
	s.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewer) {
		t.Errorf("Open(schema 99) error = %v, want ErrNewer", err)
	}
}

func TestSecondRecorderLocked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := s.Span(); ok || err != nil {
		t.Errorf("Span of an empty database: ok %v, err %v; want nothing", ok, err)
	}
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "PID") {
		t.Errorf("second Open error = %v, want ErrLocked naming the holder's PID", err)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Errorf("read-only Open beside a recorder: %v", err)
	} else {
		r.Close()
	}
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open after the first recorder closed: %v", err)
	}
	s2.Close()
}

func TestRetention(t *testing.T) {
	t.Parallel()
	now := base.Add(40 * 24 * time.Hour)
	s := openTest(t, now)
	rawCut, aggCut := now.Add(-24*time.Hour), now.Add(-30*24*time.Hour)
	near := func(at, cut time.Time) bool { return at.After(cut.Add(-time.Hour)) && at.Before(cut.Add(time.Hour)) }
	// A cpu reading every hour over 35 days, and every 5 minutes around
	// each retention's cut.
	var in []reading.Reading
	spans := map[int64]bool{}
	for at := now.Add(-35 * 24 * time.Hour); at.Before(now); at = at.Add(5 * time.Minute) {
		if at.Minute() != 0 && !near(at, rawCut) && !near(at, aggCut) {
			continue
		}
		r := cpuReading(at, 1)
		r.Transitions = []reading.Transition{{Rule: "r", Sensor: "cpu", Time: at, Since: at}}
		in = append(in, r)
		spans[ms(at)-mod(ms(at), spanMS)] = true
	}
	record(t, s, in)
	if err := s.Compact(now); err != nil {
		t.Fatal(err)
	}
	check := func(table string, cut time.Time) {
		t.Helper()
		// A span goes once all of it is past the cut; the span holding
		// the cut stays, and so does every later one.
		wantOldest := ms(cut) - mod(ms(cut), spanMS)
		var wantN int64
		for sp := range spans {
			if sp >= wantOldest {
				wantN++
			}
		}
		var oldest, n int64
		s.db.QueryRow("SELECT min(start), count(DISTINCT start) FROM "+table).Scan(&oldest, &n)
		if oldest != wantOldest {
			t.Errorf("%s: oldest span %v, want %v", table, fromMS(oldest).UTC(), fromMS(wantOldest).UTC())
		}
		if n != wantN {
			t.Errorf("%s: %d spans left, want the %d since the cut", table, n, wantN)
		}
	}
	check("chunks", rawCut)
	// Aggregates older than two days are rolled into a row per day: the
	// oldest kept is the day holding the cut, and 1-minute rows are left
	// only of the days not yet two days old.
	var oldest10, oldest1 int64
	s.db.QueryRow("SELECT min(start) FROM aggs10").Scan(&oldest10)
	s.db.QueryRow("SELECT min(start) FROM aggs").Scan(&oldest1)
	if want := ms(aggCut) - mod(ms(aggCut), dayMS); oldest10 != want {
		t.Errorf("aggs10: oldest day %v, want %v", fromMS(oldest10).UTC(), fromMS(want).UTC())
	}
	if roll := ms(now.Add(-rollupAfter)); oldest1 < roll-mod(roll, dayMS) {
		t.Errorf("aggs: 1-minute rows from %v, older than the two days kept before %v", fromMS(oldest1).UTC(), now.UTC())
	}
	var oldestTr int64
	s.db.QueryRow("SELECT min(ts) FROM transitions").Scan(&oldestTr)
	if got := fromMS(oldestTr); got.Before(aggCut) || got.After(aggCut.Add(5*time.Minute)) {
		t.Errorf("oldest transition %v, want the first at or after %v", got.UTC(), aggCut.UTC())
	}
	// Series still answers past the raw cut, from aggregates: the six
	// readings of that half hour in three 10-minute ones.
	got, err := s.Series(reading.CPUUsage, nil, aggCut.Add(30*time.Minute), aggCut.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, p := range got[0].Points {
		counts = append(counts, p.Count)
	}
	if diff := cmp.Diff([]int{2, 2, 2}, counts); diff != "" {
		t.Errorf("half an hour after the aggregates' cut: counts of its points (-want +got):\n%s", diff)
	}
}

func TestProcessRetention(t *testing.T) {
	t.Parallel()
	now := base.Add(30 * 24 * time.Hour)
	s := openTest(t, now)
	p := func(pid int32) reading.Process {
		return reading.Process{PID: pid, Comm: "p" + strconv.Itoa(int(pid)), Start: base}
	}
	procs := func(at time.Time, ps ...reading.Process) reading.Reading {
		return reading.Reading{Sensor: reading.SensorProcesses, Time: at, Processes: ps}
	}
	// 1 is last seen 9 days ago, 2 six and a half, 3 still runs.
	record(t, s, []reading.Reading{
		procs(now.Add(-9*24*time.Hour), p(1), p(2), p(3)),
		procs(now.Add(-8*24*time.Hour), p(2), p(3)),
		procs(now.Add(-156*time.Hour), p(2), p(3)),
		procs(now.Add(-6*24*time.Hour), p(3)),
		procs(now.Add(-time.Hour), p(3)),
	})
	if err := s.Compact(now); err != nil {
		t.Fatal(err)
	}
	var pids []int32
	rows, err := s.db.Query("SELECT pid FROM procs ORDER BY pid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int32
		rows.Scan(&pid)
		pids = append(pids, pid)
	}
	if diff := cmp.Diff([]int32{2, 3}, pids); diff != "" {
		t.Errorf("processes kept after 7 days' retention (-want +got):\n%s", diff)
	}
}
