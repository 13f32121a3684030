package store

import (
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCmdlinesOldAndNewRows reads a process row written before schema 5
// (its text moved by schema 6 under its id negated) beside two recorded
// since, which share one cmdlines row: every reader gets each one's text,
// and retention drops the text once no process refers to it.
func TestCmdlinesOldAndNewRows(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	start := base.Add(time.Minute)
	if _, err := s.db.Exec(`INSERT INTO procs (id, pid, started, last_seen, exited, peak_rss, cpu_time, cmd)
		VALUES (100, 7, ?, ?, 1, 4096, 1, -100)`, ms(start), ms(start)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO cmdlines (id, comm, cmdline, user) VALUES (-100, 'old', '/bin/old -x', 'root')`); err != nil {
		t.Fatal(err)
	}
	ps := []reading.Process{
		{PID: 8, Comm: "new", Cmdline: "/bin/new --y", User: "ana", Start: start.Add(time.Second), RSS: 8192},
		{PID: 9, Comm: "new", Cmdline: "/bin/new --y", User: "ana", Start: start.Add(2 * time.Second), RSS: 8192},
	}
	record(t, s, []reading.Reading{{Sensor: reading.SensorProcesses, Time: start.Add(3 * time.Second), Processes: ps}})
	got, err := s.procLives("("+startedIn("*", 1, 2)+") p LEFT JOIN cmdlines c ON c.id = p.cmd ORDER BY started, p.id", ms(base), ms(base.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	type names struct {
		PID                 int32
		Comm, Cmdline, User string
	}
	var gotNames []names
	for _, p := range got {
		gotNames = append(gotNames, names{p.PID, p.Comm, p.Cmdline, p.User})
	}
	want := []names{{7, "old", "/bin/old -x", "root"}, {8, "new", "/bin/new --y", "ana"}, {9, "new", "/bin/new --y", "ana"}}
	if diff := cmp.Diff(want, gotNames); diff != "" {
		t.Errorf("processes' text mismatch (-want +got):\n%s", diff)
	}
	var n int
	s.db.QueryRow("SELECT count(*) FROM cmdlines").Scan(&n)
	if n != 2 {
		t.Errorf("cmdlines rows = %d, want 2 (the old row's and one distinct command)", n)
	}
	if _, err := s.db.Exec("DELETE FROM procs WHERE pid IN (8, 9)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(dropUnusedCmdlines); err != nil {
		t.Fatal(err)
	}
	s.db.QueryRow("SELECT count(*) FROM cmdlines").Scan(&n)
	if n != 1 {
		t.Errorf("cmdlines rows after two of the processes went = %d, want 1 (the old row's)", n)
	}
}

// TestCmdlineCollision gives two texts the same id: the second probes to
// the next one, and each keeps its own.
func TestCmdlineCollision(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	id := cmdHash("b", "/bin/b", "u")
	if _, err := s.db.Exec("INSERT INTO cmdlines (id, comm, cmdline, user) VALUES (?, 'a', '/bin/a', 'u')", id); err != nil {
		t.Fatal(err)
	}
	tx, err := s.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	c := txCmdlines(t, tx)
	defer c.Close()
	got, err := c.id("b", "/bin/b", "u")
	if err != nil {
		t.Fatal(err)
	}
	if got != nextCmd(id) {
		t.Errorf("colliding text got id %d, want the next one %d", got, nextCmd(id))
	}
	if again, _ := c.id("b", "/bin/b", "u"); again != got {
		t.Errorf("the same text again got id %d, want %d", again, got)
	}
	if nextCmd(cmdMask) != 1 {
		t.Errorf("nextCmd(%d) = %d, want 1 (0 means no reference)", cmdMask, nextCmd(cmdMask))
	}
}

// txCmdlines prepares the cmdlines statements in tx, for tests that write
// rows outside the recorder.
func txCmdlines(tb testing.TB, tx *sql.Tx) *cmdlineStmts {
	tb.Helper()
	ins, err := tx.Prepare(cmdlineInsert)
	if err != nil {
		tb.Fatal(err)
	}
	same, err := tx.Prepare(cmdlineSame)
	if err != nil {
		tb.Fatal(err)
	}
	return &cmdlineStmts{ins, same}
}
