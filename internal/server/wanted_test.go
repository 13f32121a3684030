package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// fakeDemand counts wanters; while idle, a Want wakes it and a walk
// newer than the last lands in the state a moment later, as the engine's
// would.
type fakeDemand struct {
	mu      sync.Mutex
	wanters int
	wants   int
	idle    bool
	state   *fakeState
}

func (f *fakeDemand) Want() (func(), time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wanters++
	f.wants++
	var fresh time.Time
	if f.idle {
		fresh = t0.Add(time.Second) // after the walk the state holds
		f.idle = false
		go func() {
			time.Sleep(50 * time.Millisecond)
			f.state.mu.Lock()
			defer f.state.mu.Unlock()
			rs := append([]reading.Reading(nil), f.state.readings...)
			for i := range rs {
				if rs[i].Sensor == reading.SensorProcesses {
					rs[i].Time = rs[i].Time.Add(10 * time.Second)
				}
			}
			f.state.readings = rs
		}()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			f.wanters--
			f.mu.Unlock()
		})
	}, fresh
}

func (f *fakeDemand) counts() (wanters, wants int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wanters, f.wants
}

// TestProcessesWanted: the answers and streams that carry the process
// walk's readings want them, and let go when done; an answer that found
// the walk idle waits for the fresh walk instead of answering the old one;
// answers without processes want nothing.
func TestProcessesWanted(t *testing.T) {
	t.Parallel()
	state := fixtureState()
	demand := &fakeDemand{idle: true, state: state}
	s, _ := newTestServer(t, func(o *Options) { o.State, o.Processes = state, demand })
	h := s.Handler()

	w := get(t, h, "GET", "/api/v1/processes?limit=1")
	var ans struct {
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK {
		t.Fatalf("%d %s: %v", w.Code, w.Body, err)
	}
	if want := t0.Add(10 * time.Second); !ans.Time.Equal(want) {
		t.Errorf("answer of the walk at %v, want the fresh one at %v", ans.Time, want)
	}
	for _, path := range []string{"/api/v1/snapshot", "/api/v1/sensors/processes", "/api/v1/processes/exited", "/api/v1/processes/1"} {
		get(t, h, "GET", path)
	}
	if wanters, wants := demand.counts(); wanters != 0 || wants != 5 {
		t.Errorf("after five answers with processes: %d holding, %d wants; want 0, 5", wanters, wants)
	}
	for _, path := range []string{"/api/v1/sensors/cpu", "/api/v1/alerts", "/api/v1/status"} {
		get(t, h, "GET", path)
	}
	if _, wants := demand.counts(); wants != 5 {
		t.Errorf("answers without processes wanted them: %d wants", wants)
	}

	url, _ := serve(t, s)
	for _, c := range []struct {
		query string
		wants bool
	}{{"?sensor=cpu", false}, {"", true}, {"?sensor=processes", true}} {
		_, before := demand.counts()
		resp, err := http.Get(url + "/api/v1/stream" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		wanters, wants := demand.counts()
		if got := wants > before; got != c.wants || wanters != btoi(c.wants) {
			t.Errorf("stream%s: wanted %v with %d holding; want %v", c.query, got, wanters, c.wants)
		}
		resp.Body.Close()
		for end := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if n, _ := demand.counts(); n == 0 {
				break
			} else if time.Now().After(end) {
				t.Fatalf("stream%s still held the processes 5 s after it ended", c.query)
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
