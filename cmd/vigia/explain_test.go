package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/store"
)

// TestRecordedElsewhere: top without --record explains from the database
// another vigia writes, opened on the first press; without one it says
// where it looked and how to record.
func TestRecordedElsewhere(t *testing.T) {
	t.Parallel()
	to := time.Date(2026, 3, 14, 3, 0, 0, 0, time.UTC)
	from, _ := explain.At(to)
	before, _ := explain.Before(from, to)
	missing := &recordedElsewhere{path: filepath.Join(t.TempDir(), "none.db")}
	if _, err := missing.Explain(before, from, to); err == nil || !strings.Contains(err.Error(), "none.db") || !strings.Contains(err.Error(), "--record") {
		t.Errorf("no database: %v; want its path and how to record", err)
	}
	missing.close()

	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := &recordedElsewhere{path: path}
	defer r.close()
	res, err := r.Explain(before, from, to)
	if err != nil || !res.NoBaseline || !res.From.Equal(from) || r.st == nil {
		t.Errorf("an empty database: %+v, %v; want nothing recorded before the window", res, err)
	}
}
