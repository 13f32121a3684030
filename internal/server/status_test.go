package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestStatusSaysWhatIsWrong: the status answer carries what an operator
// needs to see that an output is failing, not only the sensors: each
// notifier's deliveries and last error, and the history store's backlog and
// error; with nothing recorded there is no store key at all.
func TestStatusSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	failedAt := t0.Add(-time.Minute)
	troubled := func() reading.Health {
		return reading.Health{
			Started: t0, Readings: 99,
			Sensors: []reading.SensorHealth{
				{Name: "cpu", Interval: time.Second, LastRead: time.Now()},
				{Name: "disk", Interval: 5 * time.Second, Failures: 3, LastError: "statfs /: input/output error"},
			},
			Notifiers: []reading.NotifierHealth{
				{Name: "log", Type: "log", Sent: 4},
				{Name: "pager", Type: "webhook", Sent: 1, Failed: 2, Queued: 1, Firing: 1, LastError: "POST http://127.0.0.1:9/: connection refused", LastFailed: failedAt},
			},
			Store: &reading.StoreHealth{Backlog: 120, BacklogBytes: 30000, Written: 500, Err: "database or disk is full", ErrSince: failedAt},
		}
	}
	type sensor struct {
		Name            string  `json:"name"`
		LastError       string  `json:"last_error"`
		IntervalSeconds float64 `json:"interval_seconds"`
		NeverRead       bool
	}
	type answer struct {
		Readings  uint64                   `json:"readings"`
		Sensors   []sensor                 `json:"sensors"`
		Notifiers []reading.NotifierHealth `json:"notifiers"`
		Store     *reading.StoreHealth     `json:"store"`
	}
	decode := func(t *testing.T, body []byte) (answer, map[string]json.RawMessage) {
		t.Helper()
		var a answer
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("status is not JSON: %v\n%s", err, body)
		}
		json.Unmarshal(body, &raw)
		var ages []struct {
			Age float64 `json:"age_seconds"`
		}
		json.Unmarshal(raw["sensors"], &ages)
		for i := range a.Sensors {
			a.Sensors[i].NeverRead = ages[i].Age == -1
		}
		return a, raw
	}

	s, _ := newTestServer(t, func(o *Options) { o.Health = troubled })
	w := get(t, s.Handler(), "GET", "/api/v1/status")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	got, _ := decode(t, w.Body.Bytes())
	h := troubled()
	want := answer{
		Readings: 99,
		Sensors: []sensor{
			{Name: "cpu", IntervalSeconds: 1},
			{Name: "disk", LastError: "statfs /: input/output error", IntervalSeconds: 5, NeverRead: true},
		},
		Notifiers: h.Notifiers,
		Store:     h.Store,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status mismatch (-want +got):\n%s", diff)
	}

	s, _ = newTestServer(t, func(o *Options) { o.Health = func() reading.Health { return reading.Health{Started: t0} } })
	_, raw := decode(t, get(t, s.Handler(), "GET", "/api/v1/status").Body.Bytes())
	if _, ok := raw["store"]; ok {
		t.Errorf("status of an agent that records nothing has a store key: %s", raw["store"])
	}
	for _, key := range []string{"notifiers", "outputs", "sensors"} {
		if string(raw[key]) != "[]" {
			t.Errorf("%s = %s, want [] (a list, never null)", key, raw[key])
		}
	}
}
