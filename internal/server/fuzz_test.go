package server

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
)

// FuzzAPI sends arbitrary paths and query strings to every endpoint: the
// server must answer with a known status and, under /api/, a JSON body —
// never panic or hang.
func FuzzAPI(f *testing.F) {
	for _, seed := range []string{
		"/api/v1/processes?sort=cpu&order=asc&limit=3&filter=a",
		"/api/v1/processes?limit=99999999999999999999",
		"/api/v1/processes?filter=%ff%fe",
		"/api/v1/processes/0",
		"/api/v1/processes/-1",
		"/api/v1/sensors/%00",
		"/api/v1/history/cpu/cpu.usage?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:01Z",
		"/api/v1/history/cpu/cpu.usage?since=-1s",
		"/api/v1/snapshot?processes=1",
		"/api/v1/stream?sensor=,,,",
		"/readyz?x=1",
		"/static/../../etc/passwd",
		"/%2e%2e/",
	} {
		f.Add(seed)
	}
	srv, err := New(Options{State: fixtureState(), Health: healthy, History: fakeHistory{}, Inspector: fakeInspector{},
		Stream: make(chan reading.Reading), Version: "fuzz", AllowedHosts: []string{testHost}})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		if strings.Contains(u.Path, "stream") {
			// A valid stream request never ends on its own: keep only the
			// parameter checks, which answer at once.
			q := u.Query()
			q.Set("sensor", "nope")
			u.RawQuery = q.Encode()
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.URL = u
		req.RequestURI = u.RequestURI()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case 200, 400, 404, 405, 503:
		case 301, 307, 308: // the mux cleaning the path
			return
		default:
			t.Fatalf("GET %s = %d: %s", target, w.Code, w.Body)
		}
		if strings.HasPrefix(u.Path, "/api/") && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("GET %s: body is not JSON: %.200s", target, w.Body)
		}
		if w.Code == 200 && strings.Contains(w.Body.String(), "root:") {
			t.Fatalf("GET %s leaked a file outside static/", target)
		}
	})
}

// FuzzHostAllowed checks that the Host check never panics and that case
// ASCII case never matters: LOCALHOST is localhost, EVIL.example is
// evil.example.
func FuzzHostAllowed(f *testing.F) {
	for _, seed := range []string{"localhost:8519", "[::1]:80", "127.0.0.1.", "evil.example", "attacker.test:80",
		"[fe80::1%eth0]:1", "[", "]:", "::1", "Vigia.Lan.:9", "", "localhoſt", "vigia.lan\u212a"} {
		f.Add(seed)
	}
	allowed := map[string]bool{"localhost": true, "vigia.lan": true}
	f.Fuzz(func(t *testing.T, host string) {
		got := hostAllowed(host, allowed)
		upper := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, host)
		if hostAllowed(upper, allowed) != got {
			t.Errorf("hostAllowed(%q) = %v but hostAllowed(%q) = %v", host, got, upper, !got)
		}
	})
}
