package store

import (
	"os"
	"path/filepath"
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
