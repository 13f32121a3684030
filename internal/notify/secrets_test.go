package notify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// secretHeaders writes two secret files and returns headers that read them.
func secretHeaders(t *testing.T, token, key string) []config.Header {
	t.Helper()
	dir := t.TempDir()
	tf, kf := filepath.Join(dir, "token"), filepath.Join(dir, "key")
	if err := os.WriteFile(tf, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kf, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []config.Header{
		{Name: "Authorization", Value: config.Secret{File: tf, Prefix: "Bearer "}},
		{Name: "X-Api-Key", Value: config.Secret{File: kf}},
	}
}

// A receiver that echoes the secret headers in its error must not put them
// in the status, the log or a test's result.
func TestEchoedSecretsRedacted(t *testing.T) {
	t.Parallel()
	const token, key = "tok-6f1d2a9c", "key-77aa01"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "bad credentials: Authorization=%s X-Api-Key=%s", r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"))
	}))
	defer echo.Close()
	n := webhookNotifier(echo.URL + "/hook")
	n.Retries, n.MinSeverity, n.SendResolved = 0, reading.Warning, true
	n.Headers = secretHeaders(t, token, key)
	var logs bytes.Buffer
	d := New(Options{Notifiers: []config.Notifier{n}, Host: "h1", Logger: slog.New(slog.NewTextHandler(&logs, nil))})

	res := d.Test(t.Context(), "hook")
	if len(res) != 1 || res[0].Err == nil {
		t.Fatalf("Test = %+v, want one failure", res)
	}
	in := make(chan reading.Reading, 1)
	in <- reading.Reading{Sensor: reading.SensorCPU, Time: time.Now(), Transitions: []reading.Transition{tr("cpu", reading.Normal, reading.Critical)}}
	close(in)
	if err := d.Run(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	var lastError string
	for _, h := range d.Health() {
		if h.Name == "hook" {
			lastError = h.LastError
		}
	}
	for what, text := range map[string]string{"Test's error": res[0].Err.Error(), "status last_error": lastError, "log": logs.String()} {
		if strings.Contains(text, token) || strings.Contains(text, key) {
			t.Errorf("%s holds a secret: %s", what, text)
		}
		if !strings.Contains(text, `Authorization=Bearer [redacted] X-Api-Key=[redacted]`) {
			t.Errorf("%s = %q, want the receiver's answer with the secrets redacted", what, text)
		}
	}
}

// A webhook that redirects elsewhere must not get the secret headers sent
// on: the redirect is reported, not followed.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var stolen atomic.Int32
	thief := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
	}))
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	thief.Listener = ln
	thief.Start()
	defer thief.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+"/steal?x=1", code)
		}))
		n := webhookNotifier(hook.URL + "/hook")
		n.Headers = secretHeaders(t, "tok-redirect-1", "key-redirect-2")
		// A client that follows redirects: the dispatcher must not let it.
		d := New(Options{Notifiers: []config.Notifier{n}, Host: "h1", Client: &http.Client{}})
		res := d.Test(t.Context(), "hook")
		hook.Close()
		want := fmt.Sprintf("%d %s to %q: redirects are not followed", code, http.StatusText(code), strings.TrimPrefix(thief.URL, "http://"))
		if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), want) {
			t.Errorf("Test through a %d = %+v, want an error containing %q", code, res, want)
		}
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("the other host got %d requests, want none", n)
	}
}

// A secret that the 512-byte excerpt of an answer would cut in two is
// hidden whole, not its first half shown.
func TestEchoedSecretAtTheCutRedacted(t *testing.T) {
	t.Parallel()
	const token, key = "tok-ab12cd34ef56", "key-unused-1"
	pad := strings.Repeat(".", 500) // the token starts at byte 508, 4 before the cut
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "%s %s", pad, r.Header.Get("Authorization"))
	}))
	defer echo.Close()
	n := webhookNotifier(echo.URL)
	n.Headers = secretHeaders(t, token, key)
	err := newWebhook(n, echo.Client()).Send(t.Context(), sampleMessage())
	if err == nil {
		t.Fatal("Send to a 403 receiver succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, token[:4]) || !strings.Contains(msg, pad+" Bearer [red") {
		t.Errorf("Send error = %q, want the token hidden whole", msg)
	}
}
