package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// loadDump writes a database from the SQL text of file (as an older vigia
// wrote it) and returns its path.
func loadDump(t *testing.T, file string) string {
	t.Helper()
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(dump)); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrateFromV5 opens a history recorded by vigia at schema 5
// (testdata/history_v5.sql says what it holds): it migrates in place, and
// replay, history, the report, the events and the explainer answer from it
// as they did, processes named, including one written before schema 5.
func TestMigrateFromV5(t *testing.T) {
	t.Parallel()
	path := loadDump(t, "testdata/history_v5.sql")

	s, err := Open(path, Options{Now: func() time.Time { return base.Add(time.Hour) }})
	if err != nil {
		t.Fatalf("Open(v5): %v", err)
	}
	defer s.Close()
	var version, cols int
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != schemaVersion {
		t.Errorf("user_version after migration = %d, want %d", version, schemaVersion)
	}
	s.db.QueryRow("SELECT count(*) FROM pragma_table_info('procs') WHERE name IN ('first_seen', 'comm', 'cmdline', 'user')").Scan(&cols)
	if cols != 0 {
		t.Errorf("procs keeps %d of its old columns after migration", cols)
	}

	// Replay: every CPU reading, from chunks and from the journal.
	var cpu []float64
	names := map[int32]string{}
	for r, err := range s.Readings(base, base.Add(30*time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Metrics {
			if r.Sensor == reading.SensorCPU && m.Name == reading.CPUUsage {
				cpu = append(cpu, m.Value)
			}
		}
		for _, p := range r.Processes {
			names[p.PID] = p.Comm + " " + p.Cmdline + " " + p.User
		}
	}
	if len(cpu) != 180 {
		t.Fatalf("replayed %d CPU readings, want 180", len(cpu))
	}
	for k, v := range cpu {
		if want := float64(k%10) * 10; v != want {
			t.Errorf("CPU reading %d = %v, want %v", k, v, want)
			break
		}
	}
	if diff := cmp.Diff(map[int32]string{1: "init /sbin/init root", 3: "job /usr/bin/job --run ana"}, names); diff != "" {
		t.Errorf("replayed processes (-want +got):\n%s", diff)
	}

	// History: one point a minute, of the minute's six readings.
	pts, err := s.Series(reading.CPUUsage, nil, base, base.Add(30*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 || len(pts[0].Points) != 30 {
		t.Fatalf("history: %d series, want 1 of 30 points", len(pts))
	}
	for m, p := range pts[0].Points {
		lo, hi, sum := 100.0, 0.0, 0.0
		for k := 6 * m; k < 6*m+6; k++ {
			v := float64(k%10) * 10
			lo, hi, sum = min(lo, v), max(hi, v), sum+v
		}
		if p.Min != lo || p.Mean != sum/6 || p.Max != hi || !p.Time.Equal(base.Add(time.Duration(m)*time.Minute)) {
			t.Errorf("history point %d at %v = %v/%v/%v, want %v/%v/%v", m, p.Time, p.Min, p.Mean, p.Max, lo, sum/6, hi)
			break
		}
	}

	rep, err := s.Report(base, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	type life struct {
		PID                 int32
		Comm, Cmdline, User string
		Lifetime            time.Duration
	}
	lives := func(ps []ProcLife) []life {
		var out []life
		for _, p := range ps {
			out = append(out, life{p.PID, p.Comm, p.Cmdline, p.User, p.Lifetime})
		}
		return out
	}
	old := life{7, "old", "/bin/old -x", "root", time.Minute}
	job := life{3, "job", "/usr/bin/job --run", "ana", 9*time.Minute + 50*time.Second}
	if diff := cmp.Diff([]life{old, job}, lives(rep.StartedList)); diff != "" || rep.Started != 2 {
		t.Errorf("report: %d started (-want +got):\n%s", rep.Started, diff)
	}
	if diff := cmp.Diff([]life{job, old}, lives(rep.ExitedList)); diff != "" || rep.Exited != 2 {
		t.Errorf("report: %d exited (-want +got):\n%s", rep.Exited, diff)
	}

	evs, err := s.Events(base, base.Add(time.Hour), []reading.EventKind{reading.EventProcessStart, reading.EventProcessExit})
	if err != nil {
		t.Fatal(err)
	}
	var gotEvs []string
	for _, e := range evs {
		gotEvs = append(gotEvs, e.Time.UTC().Format("15:04:05")+" "+string(e.Kind)+" "+e.Comm)
	}
	if diff := cmp.Diff([]string{"10:01:00 process_start old", "10:02:00 process_exit old", "10:05:00 process_start job", "10:14:50 process_exit job"}, gotEvs); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	sp, err := s.ExplainSpan(base.Add(4*time.Minute), base.Add(6*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var subjects []explain.Subject
	for _, u := range sp.Usage {
		subjects = append(subjects, u.Subject)
	}
	if diff := cmp.Diff([]explain.Subject{{Kind: explain.Process, ID: "1", Name: "init", PID: 1}, {Kind: explain.Process, ID: "2", Name: "job", PID: 3}}, subjects); diff != "" {
		t.Errorf("explainer's processes (-want +got):\n%s", diff)
	}

	// Recording goes on: init, alive in the v5 history, is not new.
	if _, ok := s.rec.procs[procKey{1, ms(base.Add(-time.Hour))}]; !ok {
		t.Errorf("a process alive in the v5 history is not tracked after migration")
	}
}
