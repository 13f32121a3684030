package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

var t0 = time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)

// fakeState is a fixed live state.
type fakeState struct {
	mu       sync.Mutex
	readings []reading.Reading
	active   []reading.Transition
	recent   []reading.Transition
}

func (f *fakeState) Snapshot() []reading.Reading {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.readings
}
func (f *fakeState) ActiveAlerts() []reading.Transition      { return f.active }
func (f *fakeState) RecentTransitions() []reading.Transition { return f.recent }

type fakeHistory struct{}

func (fakeHistory) History(_ context.Context, sensor, metric string, from, to time.Time) ([]Series, error) {
	if sensor == "cpu" && metric == reading.CPUCoreUsage {
		return []Series{
			{Labels: []reading.Label{{Name: "cpu", Value: "0"}}, Points: []Point{{Time: t0, Value: 1}}},
			{Labels: []reading.Label{{Name: "cpu", Value: "1"}}, Points: []Point{{Time: t0, Value: 2}}},
		}, nil
	}
	if sensor != "cpu" || metric != reading.CPUUsage {
		return nil, ErrNotFound
	}
	return []Series{{Points: []Point{{Time: t0, Value: 10}, {Time: t0.Add(time.Second), Value: 20}}}}, nil
}

type fakeInspector struct{}

func (fakeInspector) Inspect(_ context.Context, pid int32) (reading.ProcessDetail, error) {
	switch pid {
	case 1:
	case 104:
		return reading.ProcessDetail{}, fmt.Errorf("/proc/104/stat: %w: no (comm)", ErrMalformed)
	default:
		return reading.ProcessDetail{}, fmt.Errorf("process %d: %w", pid, os.ErrNotExist)
	}
	return reading.ProcessDetail{Process: reading.Process{PID: 1, Comm: "init"}, Exe: "/sbin/init"}, nil
}

func procs() []reading.Process {
	return []reading.Process{
		{PID: 1, Comm: "init", User: "root", CPUPercent: 0.5, RSS: 10 << 20, Threads: 1, State: "S", Cmdline: "/sbin/init splash"},
		{PID: 200, Comm: "Firefox", User: "ana", CPUPercent: 35, RSS: 900 << 20, Threads: 80, State: "S", Cmdline: "/usr/lib/firefox/firefox"},
		{PID: 300, Comm: "make", User: "ana", CPUPercent: 99, RSS: 50 << 20, Threads: 4, State: "R", Cmdline: "make -j2"},
		{PID: 42, Comm: "sshd", User: "root", CPUPercent: 0, RSS: 8 << 20, Threads: 1, State: "S", Cmdline: "sshd: /usr/sbin/sshd"},
	}
}

func fixtureState() *fakeState {
	return &fakeState{
		readings: []reading.Reading{
			{Sensor: "cpu", Time: t0, Primary: reading.CPUUsage, Status: reading.Normal, Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: 12.5, Unit: reading.Percent}}},
			{Sensor: "memory", Time: t0, Primary: reading.MemUsedPercent, Status: reading.Warning, Metrics: []reading.Metric{{Name: reading.MemUsedPercent, Value: 81, Unit: reading.Percent}}},
			{Sensor: "processes", Time: t0, Primary: reading.ProcsCount, Status: reading.Normal, Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 4}}, Processes: procs()},
		},
		active: []reading.Transition{{Rule: "memory", Sensor: "memory", Metric: reading.MemUsedPercent, From: reading.Normal, To: reading.Warning, Value: 81, Threshold: 80, Time: t0, Since: t0}},
	}
}

func healthy() reading.Health {
	return reading.Health{Started: t0, Readings: 10, Sensors: []reading.SensorHealth{{Name: "cpu", Interval: time.Second, LastRead: time.Now()}}}
}

// testHost is the Host of httptest.NewRequest's requests, which a server
// without a token must be told is one of its names.
const testHost = "example.com"

func newTestServer(t *testing.T, mod func(*Options)) (*Server, chan reading.Reading) {
	t.Helper()
	ch := make(chan reading.Reading)
	opts := Options{
		State: fixtureState(), Health: healthy, History: fakeHistory{}, Inspector: fakeInspector{}, Stream: ch,
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "node_load1 0.5") }),
		Version: "test", AllowedHosts: []string{testHost},
	}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, ch
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestAPIStatusCodes(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil)
	tests := []struct {
		method, target string
		want           int
		body           string // a substring of the body
	}{
		{"GET", "/api/v1/snapshot", 200, `"sensor":"memory"`},
		{"HEAD", "/api/v1/snapshot", 200, ""},
		{"GET", "/api/v1/snapshot?processes=maybe", 400, `processes=\"maybe\" is not a boolean`},
		{"GET", "/api/v1/snapshot?x=1", 400, `unknown query parameter \"x\"`},
		{"GET", "/api/v1/sensors", 200, `{"sensors":["cpu","memory","processes"]}`},
		{"GET", "/api/v1/sensors/cpu", 200, `"primary":"cpu.usage"`},
		{"GET", "/api/v1/sensors/gpu", 404, `no sensor \"gpu\"`},
		{"GET", "/api/v1/sensors/cpu?processes=maybe", 400, `processes=\"maybe\" is not a boolean`},
		{"GET", "/api/v1/sensors/cpu?x=1", 400, `unknown query parameter \"x\"`},
		{"GET", "/api/v1/processes?sort=bogus", 400, `sort=\"bogus\" is not a column`},
		{"GET", "/api/v1/processes?order=up", 400, `order=\"up\" is neither asc nor desc`},
		{"GET", "/api/v1/processes?limit=-1", 400, `limit=\"-1\" is not a number`},
		{"GET", "/api/v1/processes?limit=ten", 400, `limit=\"ten\"`},
		{"GET", "/api/v1/processes/1", 200, `"needs_token":["exe",`},
		{"GET", "/api/v1/processes/999", 404, `no process 999`},
		{"GET", "/api/v1/processes/104", 422, `process 104 cannot be shown: /proc/104/stat: malformed kernel data: no (comm)`},
		{"GET", "/api/v1/processes/abc", 400, `pid \"abc\" is not a positive number`},
		{"GET", "/api/v1/alerts", 200, `"active":[{"rule":"memory"`},
		{"GET", "/api/v1/status", 200, `"version":"test"`},
		{"GET", "/api/v1/history/cpu/cpu.usage?since=1m", 200, `"points":[{"t":"2026-11-28T04:00:00Z","v":10}`},
		{"GET", "/api/v1/history/cpu/cpu.usage?since=forever", 400, `since=\"forever\" is not a positive duration`},
		{"GET", "/api/v1/history/cpu/cpu.usage?from=yesterday", 400, `from=\"yesterday\" is not an RFC 3339 time`},
		{"GET", "/api/v1/history/cpu/cpu.usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400, `from must be before to`},
		{"GET", "/api/v1/history/cpu/cpu.usage?since=1m&from=2026-01-02T00:00:00Z", 400, `not both`},
		{"GET", "/api/v1/history/cpu/nope", 404, `no history of \"nope\"`},
		{"GET", "/api/v1/history/cpu/cpu.core.usage?label=cpu=1", 200, `"series":[{"labels":[{"name":"cpu","value":"1"}],"points":[{"t":"2026-11-28T04:00:00Z","v":2}]}]`},
		{"GET", "/api/v1/history/cpu/cpu.core.usage?label=cpu=9", 200, `"series":[]`},
		{"GET", "/api/v1/history/cpu/cpu.core.usage?label=cpu", 400, `label=\"cpu\" is not name=value`},
		{"GET", "/api/v1/nothing", 404, `no such endpoint: /api/v1/nothing`},
		{"GET", "/api/v2/snapshot", 404, `no such endpoint`},
		{"GET", "/nothing", 404, `not found: /nothing`},
		{"POST", "/api/v1/snapshot", 405, `method POST not allowed`},
		{"DELETE", "/api/v1/processes/1", 405, `read-only`},
		{"PUT", "/metrics", 405, ``},
		{"GET", "/healthz", 200, "ok"},
		{"GET", "/readyz", 200, `"ready":true`},
		{"GET", "/metrics", 200, "node_load1 0.5"},
		{"GET", "/", 200, "<title>vigia</title>"},
		{"GET", "/static/app.js", 200, "use strict"},
		{"GET", "/static/style.css", 200, "--bg"},
		{"GET", "/favicon.svg", 200, "<svg"},
		{"GET", "/api/v1/stream?sensor=gpu", 400, `sensor=\"gpu\" is not a sensor`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			w := get(t, s.Handler(), tt.method, tt.target)
			if w.Code != tt.want {
				t.Errorf("%s %s = %d, want %d; body %s", tt.method, tt.target, w.Code, tt.want, w.Body)
			}
			if !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("%s %s body = %s, want it to contain %s", tt.method, tt.target, w.Body, tt.body)
			}
			if tt.want == 405 && w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s Allow = %q, want GET, HEAD", tt.method, tt.target, w.Header().Get("Allow"))
			}
			if tt.want >= 400 && strings.HasPrefix(tt.target, "/api/") {
				var e apiError
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Status != tt.want || e.Error == "" {
					t.Errorf("%s %s error body %s is not a JSON error (%v)", tt.method, tt.target, w.Body, err)
				}
			}
		})
	}
}

func TestProcessesQuery(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil)
	tests := []struct {
		query    string
		wantPIDs []int32
		matched  int
	}{
		{"", []int32{300, 200, 1, 42}, 4},
		{"?sort=cpu&order=asc", []int32{42, 1, 200, 300}, 4},
		{"?sort=mem", []int32{200, 300, 1, 42}, 4},
		{"?sort=pid", []int32{1, 42, 200, 300}, 4},
		{"?sort=name", []int32{200, 1, 300, 42}, 4},
		{"?sort=user&order=desc", []int32{1, 42, 200, 300}, 4},
		{"?limit=2", []int32{300, 200}, 4},
		{"?filter=FIRE", []int32{200}, 1},
		{"?filter=root&sort=pid", []int32{1, 42}, 2},
		{"?filter=42", []int32{42}, 1},
		{"?filter=splash", []int32{1}, 1},
		{"?filter=nothing", []int32{}, 0},
	}
	for _, tt := range tests {
		w := get(t, s.Handler(), "GET", "/api/v1/processes"+tt.query)
		var ans processesAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil {
			t.Fatalf("%s: %v: %s", tt.query, err, w.Body)
		}
		got := []int32{}
		for _, p := range ans.Processes {
			got = append(got, p.PID)
		}
		if diff := cmp.Diff(tt.wantPIDs, got); diff != "" {
			t.Errorf("processes%s PIDs mismatch (-want +got):\n%s", tt.query, diff)
		}
		if ans.Total != 4 || ans.Matched != tt.matched {
			t.Errorf("processes%s total, matched = %d, %d, want 4, %d", tt.query, ans.Total, ans.Matched, tt.matched)
		}
	}
}

func TestSnapshotLeavesProcessesOut(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil)
	for _, tt := range []struct {
		q    string
		want int
	}{{"", 0}, {"?processes=true", 4}} {
		var ans snapshotAnswer
		w := get(t, s.Handler(), "GET", "/api/v1/snapshot"+tt.q)
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		if got := len(ans.Readings[2].Processes); got != tt.want {
			t.Errorf("snapshot%s has %d processes, want %d", tt.q, got, tt.want)
		}
		if ans.Status != reading.Warning {
			t.Errorf("snapshot status = %v, want the worst, warning", ans.Status)
		}
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name   string
		health reading.Health
		want   int
		reason string
	}{
		{"fresh", reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", LastRead: now}}}, 200, ""},
		{"stale", reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", LastRead: now}, {Name: "disk", LastRead: now, Stale: true}}}, 503, "stale sensors: disk"},
		{"starting", reading.Health{}, 503, "no sensors running yet"},
		{"no first read", reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu"}}}, 503, "without a successful reading yet: cpu"},
		{"read but not delivered", reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", LastRead: now}, {Name: "disk", LastRead: now}}}, 503, "without a successful reading yet: disk"},
		// The engine delivers an error reading for a sensor that fails: it
		// has read, and delivered, but never succeeded.
		{"delivered only errors", reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", LastRead: now}, {Name: "disk", LastRead: now, Failures: 3, LastError: "statfs /: permission denied"}}},
			503, "without a successful reading yet: disk (statfs /: permission denied)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := fixtureState()
			st.readings = append(st.readings, reading.Reading{Sensor: "disk", Time: t0, Err: "statfs /: permission denied"})
			s, _ := newTestServer(t, func(o *Options) { o.Health = func() reading.Health { return tt.health }; o.State = st })
			w := get(t, s.Handler(), "GET", "/readyz")
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.reason) {
				t.Errorf("/readyz = %d %s, want %d with %q", w.Code, w.Body, tt.want, tt.reason)
			}
		})
	}
}

// A sensor that succeeded once stays counted though its latest reading is
// an error: it is failing, which the status shows, not starting. Success
// seen on the stream counts though the state missed it.
func TestReadyzRemembersSuccess(t *testing.T) {
	t.Parallel()
	now := time.Now()
	st := fixtureState()
	st.readings = append(st.readings, reading.Reading{Sensor: "disk", Time: t0, Err: "statfs /: permission denied"})
	s, ch := newTestServer(t, func(o *Options) {
		o.State = st
		o.Health = func() reading.Health {
			return reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", LastRead: now}, {Name: "disk", LastRead: now}}}
		}
	})
	if w := get(t, s.Handler(), "GET", "/readyz"); w.Code != 503 {
		t.Fatalf("/readyz before disk succeeded = %d %s, want 503", w.Code, w.Body)
	}
	serve(t, s)
	ch <- reading.Reading{Sensor: "disk", Time: t0}
	ch <- reading.Reading{Sensor: "disk", Time: t0.Add(time.Second), Err: "statfs /: permission denied"} // the hub took the first
	if w := get(t, s.Handler(), "GET", "/readyz"); w.Code != 200 {
		t.Errorf("/readyz after disk succeeded once = %d %s, want 200", w.Code, w.Body)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	const tok = "s3cret-token-0123456789"
	tests := []struct {
		name        string
		open        bool
		target      string
		auth        string
		want        int
		wantWWWAuth bool
	}{
		{"no token", false, "/api/v1/snapshot", "", 401, true},
		{"wrong token", false, "/api/v1/snapshot", "Bearer nope", 401, true},
		{"basic scheme", false, "/api/v1/snapshot", "Basic " + tok, 401, true},
		{"right token", false, "/api/v1/snapshot", "Bearer " + tok, 200, false},
		{"stream needs token", false, "/api/v1/stream?sensor=nope", "", 401, true},
		{"metrics closed", false, "/metrics", "", 401, true},
		{"healthz closed", false, "/healthz", "", 401, true},
		{"readyz closed", false, "/readyz", "", 401, true},
		{"metrics open", true, "/metrics", "", 200, false},
		{"healthz open", true, "/healthz", "", 200, false},
		{"api still closed when metrics open", true, "/api/v1/status", "", 401, true},
		{"page loads without token", false, "/", "", 200, false},
		{"unknown api path hides behind auth", false, "/api/v1/secret", "", 401, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t, func(o *Options) { o.Token = tok; o.OpenMetrics = tt.open; o.Listen = "0.0.0.0:0" })
			var hdr []string
			if tt.auth != "" {
				hdr = []string{"Authorization", tt.auth}
			}
			w := get(t, s.Handler(), "GET", tt.target, hdr...)
			if w.Code != tt.want {
				t.Errorf("GET %s = %d, want %d: %s", tt.target, w.Code, tt.want, w.Body)
			}
			if got := w.Header().Get("WWW-Authenticate") != ""; got != tt.wantWWWAuth {
				t.Errorf("GET %s WWW-Authenticate = %q", tt.target, w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestListenNeedsAuthOffLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		listen   string
		token    string
		insecure bool
		wantErr  string
	}{
		{"", "", false, ""}, // the default is loopback
		{"127.0.0.1:0", "", false, ""},
		{"[::1]:8519", "", false, ""},
		{"localhost:8519", "", false, ""},
		{"0.0.0.0:8519", "", false, "refusing to listen on 0.0.0.0:8519 (0.0.0.0 is not loopback) without auth: give --token-file"},
		{":8519", "", false, "(every interface is not loopback)"},
		{"192.0.2.7:8519", "", false, "--insecure-no-auth"},
		{"0.0.0.0:8519", "0123456789abcdef", false, ""},
		{"0.0.0.0:8519", "", true, ""},
		{"nonsense", "", false, `listen address "nonsense" is not host:port`},
	}
	for _, tt := range tests {
		_, err := New(Options{Listen: tt.listen, Token: tt.token, InsecureNoAuth: tt.insecure, State: fixtureState(), Health: healthy, Stream: make(chan reading.Reading)})
		if tt.wantErr == "" && err != nil {
			t.Errorf("New(listen %q): %v", tt.listen, err)
		}
		if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("New(listen %q) error = %v, want one containing %q", tt.listen, err, tt.wantErr)
		}
	}
	if s, _ := New(Options{State: fixtureState(), Health: healthy, Stream: make(chan reading.Reading)}); s.opts.Listen != "127.0.0.1:8519" {
		t.Errorf("default listen = %q, want 127.0.0.1:8519", s.opts.Listen)
	}
}

func TestNewRejectsBadTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "cert.pem")
	os.WriteFile(bad, []byte("not a cert"), 0o600)
	for _, o := range []Options{{TLSCert: bad}, {TLSCert: bad, TLSKey: bad}} {
		o.State, o.Health, o.Stream = fixtureState(), healthy, make(chan reading.Reading)
		if _, err := New(o); err == nil {
			t.Errorf("New(TLSCert %q, TLSKey %q) succeeded, want an error", o.TLSCert, o.TLSKey)
		}
	}
}

func TestReadToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	tests := []struct {
		name, path, want, wantErr string
	}{
		{"good", write("good", " 0123456789abcdefXYZ \n", 0o600), "0123456789abcdefXYZ", ""},
		{"empty", write("empty", "\n", 0o600), "", "is empty"},
		{"short", write("short", "abc", 0o600), "", "want at least 16"},
		{"world readable", write("open", "0123456789abcdefXYZ", 0o644), "", "chmod 600"},
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
	}
	for _, tt := range tests {
		got, err := ReadToken(tt.path)
		if got != tt.want || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("ReadToken(%s) = %q, %v; want %q, error containing %q", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

// serve runs s on a free loopback port until the test ends.
func serve(t *testing.T, s *Server) (url string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once sync.Once
	var serr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serr = <-done:
			case <-time.After(5 * time.Second):
				serr = errors.New("Serve did not return within 5s of shutdown")
			}
		})
		return serr
	}
	t.Cleanup(func() { stop() })
	return "http://" + ln.Addr().String(), stop
}

// The stream outlives WriteTimeout, and shutdown ends it and returns.
func TestStreamOutlivesWriteTimeoutAndShutsDown(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, func(o *Options) {
		o.WriteTimeout, o.ReadTimeout = 200*time.Millisecond, 200*time.Millisecond
		o.Heartbeat = 50 * time.Millisecond
	})
	url, stop := serve(t, s)
	resp, err := http.Get(url + "/api/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q", ct)
	}
	events := make(chan string, 100)
	go func() {
		defer close(events)
		buf := make([]byte, 64<<10)
		var acc strings.Builder
		for {
			n, err := resp.Body.Read(buf)
			acc.Write(buf[:n])
			for {
				s := acc.String()
				i := strings.Index(s, "\n\n")
				if i < 0 {
					break
				}
				events <- s[:i]
				acc.Reset()
				acc.WriteString(s[i+2:])
			}
			if err != nil {
				return
			}
		}
	}()
	time.Sleep(600 * time.Millisecond) // past WriteTimeout and ReadTimeout
	ch <- reading.Reading{Sensor: "cpu", Time: t0, Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: 50}},
		Transitions: []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Critical}}}
	var got []string
	deadline := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("stream ended early; got %q", got)
			}
			if strings.Contains(e, "event: ") {
				got = append(got, e)
			}
		case <-deadline:
			t.Fatalf("no events after WriteTimeout; got %q", got)
		}
	}
	if !strings.HasPrefix(got[0], "event: reading\nid: ") || !strings.Contains(got[0], `"cpu.usage"`) {
		t.Errorf("first event = %q, want a reading", got[0])
	}
	if !strings.HasPrefix(got[1], "event: transition\n") || !strings.Contains(got[1], `"to":"critical"`) {
		t.Errorf("second event = %q, want a transition", got[1])
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v, want under 5s", d)
	}
	for range events { // the stream must end
	}
}

// Closing the engine's channel ends streams but not the server.
func TestStreamEndsWhenEngineStops(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)
	resp, err := http.Get(url + "/api/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	close(ch)
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, resp.Body); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stream still open after the engine's channel closed")
	}
	r2, err := http.Get(url + "/api/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("stream after engine stop = %d, want 503", r2.StatusCode)
	}
	if r3, err := http.Get(url + "/api/v1/status"); err != nil || r3.StatusCode != 200 {
		t.Errorf("status after engine stop: %v", err)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, certPEM, 0o600)
	os.WriteFile(key, keyPEM, 0o600)
	s, _ := newTestServer(t, func(o *Options) { o.TLSCert, o.TLSKey = cert, key })
	url, _ := serve(t, s)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	resp, err := c.Get(strings.Replace(url, "http://", "https://", 1) + "/healthz")
	if err != nil {
		t.Fatalf("GET over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("GET over TLS = %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	// Plain HTTP to a TLS listener must fail, not be served.
	if resp, err := http.Get(url + "/healthz"); err == nil && resp.StatusCode == 200 {
		t.Error("plain HTTP was served by the TLS listener")
	}
}

// A TLS key others can read is refused, as the token file is.
func TestTLSKeyReadableByOthers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, certPEM, 0o644)
	os.WriteFile(key, keyPEM, 0o644)
	if err := os.Chmod(key, 0o644); err != nil { // past the umask
		t.Fatal(err)
	}
	_, err := New(Options{TLSCert: cert, TLSKey: key, State: fixtureState(), Health: healthy, Stream: make(chan reading.Reading)})
	if err == nil || !strings.Contains(err.Error(), "TLS key "+key+" is readable by group or others (mode -rw-r--r--): chmod 600 it") {
		t.Errorf("New with a world-readable TLS key = %v, want a refusal naming the key and its mode", err)
	}
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func TestHeaderLimit(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, func(o *Options) { o.MaxHeaderBytes = 1 << 10 })
	url, _ := serve(t, s)
	req, _ := http.NewRequest("GET", url+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB header = %d, want 431", resp.StatusCode)
	}
}
