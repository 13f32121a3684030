package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

type fakeEvents struct{ got *[]reading.EventKind }

func (f fakeEvents) Events(_ context.Context, from, to time.Time, kinds []reading.EventKind) ([]reading.Event, error) {
	*f.got = kinds
	return []reading.Event{{Time: from, Kind: reading.EventOOMKill, PID: 7, Comm: "x", Count: 1}}, nil
}

// TestEventsAPI feeds the stream a reading with an OOM kill and an alert
// and reads them back from /api/v1/events, by kind, and from a history.
func TestEventsAPI(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)
	now := time.Now().UTC().Truncate(time.Millisecond)
	oom := reading.Event{Time: now, Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/a", Count: 1}
	tr := reading.Transition{Rule: "mem", Sensor: reading.SensorMemory, To: reading.Warning, Time: now, Message: "memory high"}
	ch <- reading.Reading{Sensor: reading.SensorCgroups, Time: now, Events: []reading.Event{oom}, Transitions: []reading.Transition{tr}}
	ch <- reading.Reading{Sensor: reading.SensorCPU, Time: now} // the first is kept once the hub takes the second
	for _, tt := range []struct {
		query string
		want  []reading.Event
	}{
		{"", []reading.Event{oom, reading.TransitionEvent(tr)}},
		{"?kind=oom_kill", []reading.Event{oom}},
		{"?kind=throttled,process_exit", []reading.Event{}},
	} {
		resp, err := http.Get(url + "/api/v1/events" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		var ans eventsAnswer
		err = json.NewDecoder(resp.Body).Decode(&ans)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %v", tt.query, resp.StatusCode, err)
		}
		if diff := cmp.Diff(tt.want, ans.Events, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("events%s mismatch (-want +got):\n%s", tt.query, diff)
		}
	}
	if w := get(t, s.handler, "GET", "/api/v1/events?kind=nope", "Host", testHost); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "oom_kill") {
		t.Errorf("kind=nope: %d %s, want 400 listing the kinds", w.Code, w.Body)
	}

	var kinds []reading.EventKind
	h, _ := newTestServer(t, func(o *Options) { o.Events = fakeEvents{&kinds} })
	w := get(t, h.handler, "GET", "/api/v1/events?kind=oom_kill&kind=alert&since=1h", "Host", testHost)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"pid":7`) {
		t.Errorf("from a history: %d %s", w.Code, w.Body)
	}
	if diff := cmp.Diff([]reading.EventKind{reading.EventOOMKill, reading.EventAlert}, kinds); diff != "" {
		t.Errorf("kinds asked of the history (-want +got):\n%s", diff)
	}
}

// TestStreamEvents: a reading's events go out on the stream as "event"
// frames of their own.
func TestStreamEvents(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)
	resp, err := http.Get(url + "/api/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	waitFor(t, func() bool { return s.hub.stats().Clients == 1 }, "the client")
	ch <- reading.Reading{Sensor: reading.SensorProcesses, Events: []reading.Event{{Kind: reading.EventProcessExit, PID: 9, Comm: "cc", Count: 1}}}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() != "event: event" {
			continue
		}
		sc.Scan() // id
		sc.Scan()
		if data := sc.Text(); !strings.Contains(data, `"kind":"process_exit"`) || !strings.Contains(data, `"pid":9`) {
			t.Errorf("event frame data %s", data)
		}
		return
	}
	t.Fatal("the client got no event frame")
}
