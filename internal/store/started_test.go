package store

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStartedIn compares startedIn with a scan of every row, on processes
// of every kind of life, running or ended as the recorder writes them:
// brief, exactly an hour, longer (the partial index's), seen a little
// before their start (a clock stepped back), and windows of every size,
// bounds included and excluded.
func TestStartedIn(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	rng := rand.New(rand.NewPCG(3, 4))
	const hour = int64(3_600_000)
	b := ms(base)
	tx, err := s.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(opSQL(opProcNew))
	if err != nil {
		t.Fatal(err)
	}
	end, err := tx.Prepare(opSQL(opProcExit))
	if err != nil {
		t.Fatal(err)
	}
	lives := []int64{0, 1000, hour - 1, hour, hour + 1, 3 * hour, 30 * 24 * hour, -1000, -hour}
	for id := int64(1); id <= 3000; id++ {
		started := b + rng.Int64N(48*hour)
		life := lives[rng.IntN(len(lives))]
		if rng.IntN(2) == 0 {
			life = rng.Int64N(5 * hour)
		}
		if _, err := ins.Exec(id, id, started, started, 0); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(10) == 0 {
			_, err = tx.Exec(opSQL(opProcUpdate), started+life, 0, 0, id)
		} else {
			_, err = end.Exec(started+life, 0, 0, id)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	ins.Close()
	end.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	ids := func(q string, f, to int64) []int64 {
		rows, err := s.db.Query(q, f, to)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	// Both halves go by an index: a scan of a week's processes per query
	// is what the indexes are for.
	plan, err := s.db.Query("EXPLAIN QUERY PLAN "+startedIn("id", 1, 2), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for plan.Next() {
		var id, parent, unused int
		var detail string
		plan.Scan(&id, &parent, &unused, &detail)
		steps = append(steps, detail)
	}
	plan.Close()
	joined := strings.Join(steps, "; ")
	if !strings.Contains(joined, "INDEX procs_last_seen") || !strings.Contains(joined, "INDEX procs_long") || strings.Contains(joined, "SCAN procs") {
		t.Errorf("startedIn's plan: %s; want both indexes and no scan", joined)
	}
	for range 200 {
		f := b - hour + rng.Int64N(50*hour)
		to := f + []int64{0, 1, 60_000, hour, 24 * hour}[rng.IntN(5)]
		want := ids("SELECT id FROM procs NOT INDEXED WHERE started >= ?1 AND started < ?2", f, to)
		got := ids(startedIn("id", 1, 2), f, to)
		if !slices.Equal(want, got) {
			t.Fatalf("started in [%d, %d): got %d processes, want %d", f-b, to-b, len(got), len(want))
		}
	}
}
