package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
)

// TestServeRecordsHistory runs the agent with a database, as it records by
// default, and reads the recording back: through the history API for a
// range older than memory holds, and through the store after shutdown.
func TestServeRecordsHistory(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "vigia.db")
	start := time.Now()
	base, stop := startServe(t, "--db", db, "--sensors", "cpu,memory")
	time.Sleep(2 * time.Second)

	// A day back is beyond live's rings: the store must answer.
	from := start.Add(-24 * time.Hour).UTC().Format(time.RFC3339)
	resp, err := http.Get(base + "/api/v1/history/cpu/cpu.usage?from=" + from)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"points":[{`) {
		t.Errorf("history over a day: %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening the recorded database: %v", err)
	}
	defer st.Close()
	got, err := st.Series(reading.MemTotal, nil, start.Add(-time.Minute), time.Now().Add(time.Minute), 0)
	if err != nil {
		t.Fatalf("Series(memory.total): %v", err)
	}
	if len(got) != 1 || len(got[0].Points) < 2 {
		t.Fatalf("memory.total recorded as %+v, want one series with 2 or more points", got)
	}
	if p := got[0].Points[0]; p.Min <= 0 || p.Time.Before(start.Add(-time.Second)) {
		t.Errorf("first recorded point %+v is not a memory total taken during the run", p)
	}
}

// TestWatchRecord checks `watch --record` writes what it shows.
func TestWatchRecord(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "w.db")
	out, errOut, code := vigia(t, nil, "watch", "--record", "--db", db, "--count", "2", "--interval", "200ms", "--sensors", "memory", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var shown []float64
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r reading.Reading
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if v, ok := r.Value(reading.MemUsed); ok {
			shown = append(shown, v)
		}
	}
	hist, errOut, code := vigia(t, nil, "history", "--db", db, "--metric", reading.MemUsed, "--since", "10m", "--step", "0s", "--json")
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	for _, v := range shown {
		if !strings.Contains(hist, strings.TrimSuffix(strings.TrimSuffix(jsonNumber(v), "0"), ".")) {
			t.Errorf("value %v shown by watch is not in the history:\n%s", v, hist)
		}
	}
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
