package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
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
	cfg := filepath.Join(t.TempDir(), "vigia.yaml")
	// An alert on any CPU use, so the notifier has something to deliver.
	os.WriteFile(cfg, []byte("rules:\n  - {name: cpu_any, metric: cpu.usage, warning: 0}\nnotifiers:\n  - {name: sink, type: exec, command: [/bin/sh, -c, 'cat >/dev/null'], group_wait: 0s}\n"), 0o644)
	start := time.Now()
	base, stop := startServe(t, "--db", db, "--sensors", "cpu,memory", "--config", cfg)
	time.Sleep(2 * time.Second)

	// The outputs main owns show in the status API and in /metrics.
	status := get(t, base+"/api/v1/status")
	var st struct {
		Notifiers []reading.NotifierHealth `json:"notifiers"`
		Store     *reading.StoreHealth     `json:"store"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil {
		t.Fatalf("status: %v\n%s", err, status)
	}
	names := map[string]bool{}
	for _, n := range st.Notifiers {
		names[n.Name] = true
	}
	if !names["sink"] || !names["log"] || st.Store == nil || st.Store.Written == 0 || st.Store.Err != "" {
		t.Errorf("status lacks the notifiers or a writing store:\n%s", status)
	}
	metrics := get(t, base+"/metrics")
	for _, want := range []string{"vigia_store_up 1", `vigia_notifier_messages_sent_total{notifier="sink",type="exec"}`, "vigia_store_written_total", `vigia_analysis_duration_seconds_bucket{le="0.001"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

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

	rd, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening the recorded database: %v", err)
	}
	defer rd.Close()
	got, err := rd.Series(reading.MemTotal, nil, start.Add(-time.Minute), time.Now().Add(time.Minute), 0)
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

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func jsonNumber(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
