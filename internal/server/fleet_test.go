package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
)

type fakeFleet struct{ snap fleet.Snapshot }

func (f fakeFleet) Refresh(context.Context, time.Time) fleet.Snapshot { return f.snap }

// TestFleetAPI: a host's missing values are null, a host that runs vigia
// links to its dashboard, one that runs only node_exporter does not, and
// a failed refresh is an answer with its error, not a 500.
func TestFleetAPI(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	nan := math.NaN()
	snap := fleet.Snapshot{At: at, Lookback: time.Hour, Step: 15 * time.Second, Hosts: []fleet.Host{
		{Instance: "db-1:8519", Labels: map[string]string{"job": "vigia"}, Up: true, Since: at.Add(-time.Hour / 2), CPU: 50, Mem: 20,
			Load: 1, Cores: 2, FS: "/", FSUsed: 80, FSFull: 2 * time.Hour, Rx: 10, Tx: 20, Version: "0.1.0",
			Alerts: []fleet.Alert{{Name: "cpu_high", Severity: "warning"}}},
		{Instance: "web-1:9100", Labels: map[string]string{"job": "node"}, Up: false, CPU: nan, Mem: nan, Load: nan, FSUsed: nan, Rx: nan, Tx: math.Inf(1)},
	}, Problems: []fleet.Problem{{What: "memory", Err: errors.New("timeout")}}}
	s, _ := newTestServer(t, func(o *Options) { o.Fleet = fakeFleet{snap} })
	w := get(t, s.routes(), http.MethodGet, "/api/v1/fleet")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/fleet = %d: %s", w.Code, w.Body)
	}
	want := `{"at":"2026-03-01T12:00:00Z","problems":["memory: timeout"],"lookback_seconds":3600,"step_seconds":15,"hosts":[` +
		`{"instance":"db-1:8519","labels":{"job":"vigia"},"up":true,"since":"2026-03-01T11:30:00Z","cpu_percent":50,"memory_percent":20,"load_per_core":0.5,"cores":2,"fs":"/","fs_percent":80,"fs_full_seconds":7200,"rx_bytes_per_second":10,"tx_bytes_per_second":20,"alerts":[{"name":"cpu_high","severity":"warning"}],"version":"0.1.0","dashboard":"http://db-1:8519/"},` +
		`{"instance":"web-1:9100","labels":{"job":"node"},"up":false,"cpu_percent":null,"memory_percent":null,"load_per_core":null,"fs_percent":null,"fs_full_seconds":null,"rx_bytes_per_second":null,"tx_bytes_per_second":null,"alerts":[]}]}`
	if got := strings.TrimSpace(w.Body.String()); got != want {
		t.Errorf("GET /api/v1/fleet\n got %s\nwant %s", got, want)
	}

	s, _ = newTestServer(t, func(o *Options) {
		o.Fleet = fakeFleet{fleet.Snapshot{At: at, Err: errors.New("dial tcp 127.0.0.1:9: connection refused")}}
	})
	if w := get(t, s.routes(), http.MethodGet, "/api/v1/fleet"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"error":"dial tcp 127.0.0.1:9: connection refused"`) {
		t.Errorf("GET /api/v1/fleet with Prometheus away = %d %s, want 200 and the error", w.Code, w.Body)
	}
	if w := get(t, s.routes(), http.MethodGet, "/fleet"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "/static/fleet.js") {
		t.Errorf("GET /fleet = %d, want the fleet page", w.Code)
	}
}

func TestNoFleetWithoutPrometheus(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil)
	for _, p := range []string{"/fleet", "/api/v1/fleet", "/fleet.html"} {
		if w := get(t, s.routes(), http.MethodGet, p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s without a fleet = %d, want 404", p, w.Code)
		}
	}
}
