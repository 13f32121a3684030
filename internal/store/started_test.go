package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStartedIn compares startedIn with a scan of every row, on processes
// of every kind of life: brief, exactly an hour, longer (the partial
// index's), seen a little before their start (a clock stepped back), and
// windows of every size, bounds included and excluded.
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
	ins, err := tx.Prepare("INSERT INTO procs (id, pid, started, last_seen, exited, peak_rss, cpu_time, cmd) VALUES (?, ?, ?, ?, 1, 0, 0, 0)")
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
		if _, err := ins.Exec(id, id, started, started+life); err != nil {
			t.Fatal(err)
		}
	}
	ins.Close()
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
	for range 200 {
		f := b - hour + rng.Int64N(50*hour)
		to := f + []int64{0, 1, 60_000, hour, 24 * hour}[rng.IntN(5)]
		want := ids("SELECT id FROM procs NOT INDEXED WHERE started >= ?1 AND started < ?2", f, to)
		got := ids("SELECT id FROM ("+startedIn(1, 2)+")", f, to)
		if !slices.Equal(want, got) {
			t.Fatalf("started in [%d, %d): got %d processes, want %d", f-b, to-b, len(got), len(want))
		}
	}
}
