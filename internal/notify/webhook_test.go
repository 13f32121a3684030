package notify

import (
	"bytes"
	"encoding/json"
	"github.com/vigia-dev/vigia/internal/golden"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// capture is a test receiver: it answers with the statuses given, in turn
// (the last one for ever), and keeps every request.
type capture struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.bodies = append(c.bodies, b)
	c.headers = append(c.headers, r.Header.Clone())
	n := len(c.bodies)
	status := http.StatusOK
	if len(c.statuses) > 0 {
		status = c.statuses[min(n, len(c.statuses))-1]
	}
	c.mu.Unlock()
	w.WriteHeader(status)
	if status >= 400 {
		io.WriteString(w, "receiver says no\n")
	}
}

func (c *capture) requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bodies)
}

func sampleMessage() Message {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	root := []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "fstype", Value: "ext4"}, {Name: "mountpoint", Value: "/"}}
	return Message{Host: "web-1", Time: t0.Add(10 * time.Minute), Alerts: []Alert{
		{
			Fingerprint: fingerprint("root-full", reading.SensorDisk, reading.FSUsedPercent, root), Event: Escalated,
			Rule: "root-full", Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent, Labels: root,
			Severity: reading.Critical, Delivered: reading.Warning, Value: 96.4321, Threshold: 95,
			Message: "The root filesystem is almost full.", StartsAt: t0, Time: t0.Add(9 * time.Minute),
		},
		{
			Fingerprint: fingerprint("cpu-busy", reading.SensorCPU, reading.CPUUsage, nil), Event: Resolved,
			Rule: "cpu-busy", Sensor: reading.SensorCPU, Metric: reading.CPUUsage,
			Severity: reading.Warning, Delivered: reading.Warning, Value: 41, Threshold: 90,
			StartsAt: t0.Add(2 * time.Minute), EndsAt: t0.Add(8 * time.Minute), Time: t0.Add(8 * time.Minute),
		},
	}}
}

func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, b)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

func webhookNotifier(url string) config.Notifier {
	return config.Notifier{Name: "hook", Type: config.NotifierWebhook, URL: url, Timeout: 2 * time.Second, Retries: 3, Backoff: 5 * time.Millisecond}
}

func TestWebhookBodyAndHeaders(t *testing.T) {
	t.Parallel()
	rec := &capture{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := webhookNotifier(srv.URL + "/hook?key=abc")
	n.Headers = []config.Header{
		{Name: "Authorization", Value: config.Secret{File: token, Prefix: "Bearer "}},
		{Name: "X-Team", Value: config.Secret{Value: "ops"}},
	}
	if err := newWebhook(n, srv.Client()).Send(t.Context(), sampleMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if rec.requests() != 1 {
		t.Fatalf("receiver got %d requests, want 1", rec.requests())
	}
	h := rec.headers[0]
	for k, want := range map[string]string{"Authorization": "Bearer s3cret", "X-Team": "ops", "Content-Type": "application/json", "User-Agent": "vigia"} {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	golden.Check(t, "testdata/webhook.golden", indent(t, rec.bodies[0]))
	var b Body
	if err := json.Unmarshal(rec.bodies[0], &b); err != nil {
		t.Fatal(err)
	}
	if b.Status != "firing" || b.Alerts[0].Labels["mountpoint"] != "/" || b.Alerts[1].EndsAt == nil || b.Alerts[0].EndsAt != nil {
		t.Errorf("decoded body %+v", b)
	}
}

func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		statuses  []int
		retries   int
		wantCalls int
		wantErr   string
	}{
		{"ok", []int{200}, 3, 1, ""},
		{"5xx retried", []int{503, 502, 204}, 3, 3, ""},
		{"429 retried", []int{429, 200}, 3, 2, ""},
		{"4xx not retried", []int{400}, 3, 1, `/hook: 400 Bad Request: "receiver says no"`},
		{"404 not retried", []int{404}, 3, 1, "404 Not Found"},
		{"retries bounded", []int{500}, 2, 3, `500 Internal Server Error: "receiver says no" (after 3 attempts)`},
		{"no retries", []int{500}, 0, 1, "500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &capture{statuses: tt.statuses}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			n := webhookNotifier(srv.URL + "/hook?token=hidden")
			n.Retries = tt.retries
			err := newWebhook(n, srv.Client()).Send(t.Context(), sampleMessage())
			if got := rec.requests(); got != tt.wantCalls {
				t.Errorf("receiver got %d requests, want %d", got, tt.wantCalls)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Send = %v, want success", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Send = %v, want an error containing %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "hidden"):
				t.Errorf("error shows the URL's query: %v", err)
			}
			// Every attempt carries the same body.
			for i := 1; i < len(rec.bodies); i++ {
				if !bytes.Equal(rec.bodies[i], rec.bodies[0]) {
					t.Errorf("attempt %d body differs", i+1)
				}
			}
		})
	}
}

func TestWebhookNetworkErrorRetried(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	n := webhookNotifier(url)
	n.Retries = 2
	start := time.Now()
	err := newWebhook(n, http.DefaultClient).Send(t.Context(), sampleMessage())
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("Send = %v, want connection refused after 3 attempts", err)
	}
	// Backoff 5 ms then 10 ms.
	if took := time.Since(start); took < 15*time.Millisecond {
		t.Errorf("three attempts took %v, less than the backoff", took)
	}
}

func TestWebhookTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	n := webhookNotifier(srv.URL)
	n.Timeout, n.Retries = 100*time.Millisecond, 1
	start := time.Now()
	err := newWebhook(n, srv.Client()).Send(t.Context(), sampleMessage())
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms (after 2 attempts)") {
		t.Errorf("Send = %v, want no answer within 100ms after 2 attempts", err)
	}
	if took > 2*time.Second || calls.Load() != 2 {
		t.Errorf("Send took %v over %d attempts, want 2 attempts of 100ms", took, calls.Load())
	}
}

func TestWebhookSecretMissing(t *testing.T) {
	t.Parallel()
	rec := &capture{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	n := webhookNotifier(srv.URL)
	n.Headers = []config.Header{{Name: "Authorization", Value: config.Secret{File: filepath.Join(t.TempDir(), "gone"), Line: 12}}}
	err := newWebhook(n, srv.Client()).Send(t.Context(), sampleMessage())
	if err == nil || !strings.Contains(err.Error(), "header Authorization: line 12: secret file") {
		t.Errorf("Send = %v, want the missing secret named", err)
	}
	if rec.requests() != 0 {
		t.Errorf("sent %d requests without the secret", rec.requests())
	}
}

// TestHangingReceiverBlocksNobody runs the whole dispatcher over real HTTP:
// one webhook's receiver never answers; the other still gets every alert at
// once, and Run keeps taking readings.
func TestHangingReceiverBlocksNobody(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release) // before hang.Close, which waits for handlers
	got := make(chan Body, 16)
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b Body
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Errorf("bad body: %v", err)
		}
		got <- b
	}))
	defer good.Close()

	slow := webhookNotifier(hang.URL)
	slow.Name, slow.Timeout, slow.Retries = "slow", time.Minute, 0
	fast := webhookNotifier(good.URL)
	fast.Name = "fast"
	d := New(Options{Notifiers: []config.Notifier{slow, fast}, Host: "web-1", QueueSize: 4, FlushTimeout: 100 * time.Millisecond})
	in := make(chan reading.Reading)
	done := make(chan error, 1)
	go func() { done <- d.Run(t.Context(), in) }()

	// Each alert must reach the fast receiver within two seconds, however
	// long the slow one has been hanging.
	for i := range 20 {
		tr := reading.Transition{Rule: "r" + strings.Repeat("x", i), Sensor: reading.SensorCPU, Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning, Value: 95, Threshold: 90, Time: time.Now()}
		select {
		case in <- reading.Reading{Sensor: reading.SensorCPU, Transitions: []reading.Transition{tr}}:
		case <-time.After(2 * time.Second):
			t.Fatalf("Run blocked on reading %d", i)
		}
		select {
		case b := <-got:
			if len(b.Alerts) != 1 || b.Alerts[0].Rule != tr.Rule {
				t.Errorf("fast receiver got %+v, want %s", b.Alerts, tr.Rule)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("fast receiver did not get alert %d while slow hung", i)
		}
	}
	hs := d.Health()
	if hs[0].Name != "log" || hs[1].Name != "slow" || hs[1].Dropped == 0 || hs[2].Sent == 0 {
		t.Errorf("health = %+v, want log first, drops on slow, sends on fast", hs)
	}
	close(in)
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
