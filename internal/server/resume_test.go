package server

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

type sseEvent struct{ name, id, data string }

// readEvents reads n events from an SSE body, failing the test after 30 s
// (a loaded machine under -race encodes a burst of process tables slowly).
func readEvents(t *testing.T, sc *bufio.Scanner, n int) []sseEvent {
	t.Helper()
	got := make(chan []sseEvent, 1)
	go func() {
		var out []sseEvent
		var ev sseEvent
		for len(out) < n && sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			case line == "" && ev.name != "":
				out = append(out, ev)
				ev = sseEvent{}
			}
		}
		got <- out
	}()
	select {
	case out := <-got:
		if len(out) < n {
			t.Fatalf("stream ended after %d of %d events: %+v", len(out), n, out)
		}
		return out
	case <-time.After(30 * time.Second):
		t.Fatalf("no %d events within 30 s", n)
		return nil
	}
}

func cpuAt(v float64) reading.Reading {
	return reading.Reading{Sensor: reading.SensorCPU, Primary: reading.CPUUsage,
		Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: v, Unit: reading.Percent}}}
}

func openStream(t *testing.T, url, lastID string) (*http.Response, *bufio.Scanner) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return resp, sc
}

// TestStreamResumesWithLastEventID: a client that drops and reconnects with
// the id of the last event it saw gets the events it missed, in order, once,
// then the live ones; a bad id is a 400; an id from before a restart gets
// everything kept.
func TestStreamResumesWithLastEventID(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)

	first, sc := openStream(t, url+"/api/v1/stream?sensor=cpu", "")
	waitFor(t, func() bool { return s.hub.stats().Clients == 1 }, "the first client")
	ch <- cpuAt(1)
	ch <- cpuAt(2)
	seen := readEvents(t, sc, 2)
	first.Body.Close()
	waitFor(t, func() bool { return s.hub.stats().Clients == 0 }, "the first client to leave")

	// Missed while away; the memory reading is not for this client.
	ch <- cpuAt(3)
	ch <- reading.Reading{Sensor: reading.SensorMemory}
	ch <- cpuAt(4)
	waitFor(t, func() bool { return s.hub.stats().Events == 5 }, "the missed events to be kept")

	again, sc := openStream(t, url+"/api/v1/stream?sensor=cpu", seen[1].id)
	defer again.Body.Close()
	waitFor(t, func() bool { return s.hub.stats().Clients == 1 }, "the client back")
	ch <- cpuAt(5)
	got := readEvents(t, sc, 3)
	for i, want := range []string{`"value":3`, `"value":4`, `"value":5`} {
		if got[i].name != "reading" || !strings.Contains(got[i].data, want) {
			t.Errorf("event %d after reconnecting = %+v, want the reading with %s", i, got[i], want)
		}
	}
	last, _ := strconv.ParseUint(seen[1].id, 10, 64)
	for _, ev := range got {
		if id, err := strconv.ParseUint(ev.id, 10, 64); err != nil || id <= last {
			t.Errorf("event id %q after reconnecting is not after the last seen %d", ev.id, last)
		}
	}

	resp, err := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", url+"/api/v1/stream", nil)
		req.Header.Set("Last-Event-ID", "yesterday")
		return http.DefaultClient.Do(req)
	}()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("Last-Event-ID: yesterday → %d, want 400", resp.StatusCode)
	}

	restarted, sc := openStream(t, url+"/api/v1/stream?sensor=cpu", fmt.Sprint(uint64(1)<<60))
	defer restarted.Body.Close()
	got = readEvents(t, sc, 5)
	for i := range got {
		if want := fmt.Sprintf(`"value":%d`, i+1); !strings.Contains(got[i].data, want) {
			t.Errorf("after a restart, event %d = %+v, want the kept reading with %s", i, got[i], want)
		}
	}
}

// TestStreamReplayKeepsNoProcessTables: what the hub keeps for reconnecting
// clients stays small however large the process table: a kept processes
// event has no table (the next live one brings it).
func TestStreamReplayKeepsNoProcessTables(t *testing.T) {
	t.Parallel()
	// The burst of 20 tables below would pass the default byte budget of
	// a client that reads as fast as it can; this test is about the ring.
	s, ch := newTestServer(t, func(o *Options) { o.ClientBytes = 64 << 20 })
	url, _ := serve(t, s)
	resp, sc := openStream(t, url+"/api/v1/stream?processes=true", "")
	defer resp.Body.Close()
	waitFor(t, func() bool { return s.hub.stats().Clients == 1 }, "the client")
	// A table of 60 KiB: twenty of them are far past what the ring may
	// hold, and encoding them stays quick under -race.
	big := bigProcesses(300)
	// Sent while the client reads: one that reads nothing for 10 s is
	// dropped.
	go func() {
		for range 20 {
			select {
			case ch <- reading.Reading{Sensor: reading.SensorProcesses, Processes: big}:
			case <-t.Context().Done():
				return
			}
		}
	}()
	got := readEvents(t, sc, 20)
	if !strings.Contains(got[19].data, `"processes":[`) {
		t.Errorf("a live client that asked for processes did not get the table")
	}
	s.hub.mu.Lock()
	kept := 0
	for _, f := range s.hub.recent {
		kept += len(f.full) + len(f.lean)
	}
	s.hub.mu.Unlock()
	if kept > 64<<10 {
		t.Errorf("the replay ring holds %d KiB after 20 process tables of %d KiB, want only the lean events", kept>>10, len(got[19].data)>>10)
	}
}
