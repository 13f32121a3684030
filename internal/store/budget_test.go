package store

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// wideReadings is a reading every 2 minutes for hours, with 40 noisy
// metrics, so a few days fill most of a megabyte.
func wideReadings(start time.Time, hours int) []reading.Reading {
	n := hours * 30
	rs := make([]reading.Reading, 0, n)
	for i := range n {
		ms := make([]reading.Metric, 0, 40)
		for j := range 40 {
			ms = append(ms, reading.Metric{Name: reading.MemInfo, Labels: []reading.Label{{Name: "field", Value: "F" + strconv.Itoa(j)}},
				Value: float64((i*7919+j*104729)%100003) / 100, Unit: reading.Bytes})
		}
		rs = append(rs, reading.Reading{Sensor: reading.SensorMemory, Time: start.Add(time.Duration(i) * 2 * time.Minute), Primary: reading.MemInfo,
			Status: reading.Normal, Metrics: ms})
	}
	return rs
}

type tableCounts struct{ chunks, aggs, aggs10, maxChunk int64 }

func countTables(t *testing.T, s *Store) tableCounts {
	t.Helper()
	var c tableCounts
	s.db.QueryRow("SELECT count(*), coalesce(max(start), 0) FROM chunks").Scan(&c.chunks, &c.maxChunk)
	s.db.QueryRow("SELECT count(*) FROM aggs").Scan(&c.aggs)
	s.db.QueryRow("SELECT count(*) FROM aggs10").Scan(&c.aggs10)
	return c
}

// TestSizeBudget fills four days, then reopens the file with half its
// size as the budget: raw spans go first, oldest first, then 1-minute
// aggregates, and 10-minute ones only once nothing finer is left; the
// pages in use end under the budget, and another day of recording does
// not grow the file past it.
func TestSizeBudget(t *testing.T) {
	t.Parallel()
	start := base.Truncate(24 * time.Hour)
	end := start.Add(4 * 24 * time.Hour)
	path := filepath.Join(t.TempDir(), "vigia.db")
	now := end
	opts := Options{Now: func() time.Time { return now }, FlushInterval: 10 * time.Millisecond}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, wideReadings(start, 4*24))
	if err := s.Compact(end); err != nil {
		t.Fatal(err)
	}
	full, _, _ := s.Size()
	if full < 512<<10 {
		t.Fatalf("four days take %d bytes; the test needs more to be meaningful", full)
	}
	before := countTables(t, s)
	s.Close()

	for _, budget := range []int64{full * 3 / 4, full / 3, full / 4} {
		opts.MaxSize = budget
		s, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(end); err != nil {
			t.Fatal(err)
		}
		used, _, evicted := s.Size()
		after := countTables(t, s)
		t.Logf("budget %d: in use %d, evicted %d rows, %+v → %+v", budget, used, evicted, before, after)
		if used > budget || evicted == 0 {
			t.Errorf("budget %d: %d bytes in use after %d rows evicted; want at most the budget", budget, used, evicted)
		}
		if after.aggs < before.aggs && after.chunks > 0 {
			t.Errorf("budget %d: 1-minute aggregates deleted (%d → %d) while %d raw chunks remain", budget, before.aggs, after.aggs, after.chunks)
		}
		if after.aggs10 < before.aggs10 && after.aggs > 0 {
			t.Errorf("budget %d: 10-minute aggregates deleted (%d → %d) while %d 1-minute rows remain", budget, before.aggs10, after.aggs10, after.aggs)
		}
		if after.chunks > 0 && after.maxChunk != before.maxChunk {
			t.Errorf("budget %d: the newest raw span went (%d → %d) before older ones", budget, before.maxChunk, after.maxChunk)
		}
		h := s.Health()
		if h.SizeBytes != used || h.MaxSizeBytes != budget || h.Evicted != evicted {
			t.Errorf("Health = size %d max %d evicted %d; want %d %d %d", h.SizeBytes, h.MaxSizeBytes, h.Evicted, used, budget, evicted)
		}
		s.Close()
		before = after
	}

	// At its budget the file stops growing: free pages are reused.
	opts.MaxSize = full / 3
	s, err = Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi0, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for d := range 1 {
		from := end.Add(time.Duration(d) * 24 * time.Hour)
		now = from.Add(24 * time.Hour)
		record(t, s, wideReadings(from, 24))
		if err := s.Compact(now); err != nil {
			t.Fatal(err)
		}
	}
	s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if used, _, _ := s.Size(); used > opts.MaxSize || fi.Size() > max(fi0.Size(), opts.MaxSize)*11/10 {
		t.Errorf("after another day at a budget of %d: %d bytes in use, file %d bytes (was %d)", opts.MaxSize, used, fi.Size(), fi0.Size())
	}
}
