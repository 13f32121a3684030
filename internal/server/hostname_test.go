package server

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestStatusNamesTheHost: a client drawing the agent's data (top --remote)
// learns whose it is from /api/v1/status.
func TestStatusNamesTheHost(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, func(o *Options) { o.Hostname = "db1" })
	w := get(t, s.Handler(), http.MethodGet, "/api/v1/status")
	var ans struct {
		Hostname string `json:"hostname"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || ans.Hostname != "db1" {
		t.Errorf("status hostname = %q (%v), want db1: %s", ans.Hostname, err, w.Body)
	}
}
