package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAlertTest runs `vigia alert test` against a config with a receiver
// that takes the alert and one that refuses it.
func TestAlertTest(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Test   bool `json:"test"`
			Alerts []struct {
				Rule  string `json:"rule"`
				Event string `json:"event"`
			} `json:"alerts"`
		}
		json.NewDecoder(r.Body).Decode(&b)
		got.Store(fmt.Sprintf("%v %s %s %s", b.Test, b.Alerts[0].Rule, b.Alerts[0].Event, r.Header.Get("X-Token")))
	}))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusForbidden)
	}))
	defer bad.Close()
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	os.WriteFile(token, []byte("t0k\n"), 0o600)
	cfg := filepath.Join(dir, "vigia.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`notifiers:
  - name: good
    type: webhook
    url: %s/hook
    headers:
      X-Token: {file: %s}
  - name: bad
    type: webhook
    url: %s/hook
    retries: 0
`, good.URL, token, bad.URL)), 0o644)

	run := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		err := runAlert(t.Context(), e, args)
		return out.String(), errOut.String(), err
	}

	out, errOut, err := run("test", "--config", cfg)
	if err == nil || err.Error() != "1 of 3 notifiers failed" {
		t.Errorf("alert test = %v, want 1 of 3 notifiers failed", err)
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ok    log \(log\) in \S+$`),
		regexp.MustCompile(`(?m)^ok    good \(webhook\) in \S+$`),
		regexp.MustCompile(`(?m)^FAIL  bad \(webhook\) after \S+: POST http://127\.0\.0\.1:\d+/hook: 403 Forbidden: "nope"$`),
	}
	for _, re := range want {
		if !re.MatchString(out) {
			t.Errorf("output does not match %s:\n%s", re, out)
		}
	}
	if g, _ := got.Load().(string); g != "true vigia_test test t0k" {
		t.Errorf("receiver got %q, want the test alert with its token", g)
	}
	if !strings.Contains(errOut, "alert test") || !strings.Contains(errOut, "rule=vigia_test") {
		t.Errorf("log notifier wrote no line on stderr:\n%s", errOut)
	}

	out, _, err = run("--config", cfg, "--notifier", "good", "test")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "ok    good") {
		t.Errorf("alert test --notifier good = %v\n%s", err, out)
	}

	_, _, err = run("test", "--config", cfg, "--notifier", "nope")
	var u *usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), `"nope": no such notifier (configured: [log good bad])`) {
		t.Errorf("unknown notifier: %v, want a usage error listing the notifiers", err)
	}
	if _, _, err = run("send"); !errors.As(err, &u) {
		t.Errorf("alert send: %v, want a usage error", err)
	}
}

func TestAlertTestInSpanish(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	if err := runAlert(t.Context(), e, []string{"test", "--lang", "es"}); err != nil {
		t.Fatalf("alert test --lang es: %v", err)
	}
	if !regexp.MustCompile(`(?m)^ok    log \(log\) en \S+$`).MatchString(out.String()) {
		t.Errorf("stdout not in Spanish:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), "vigia: sin archivo de configuración") {
		t.Errorf("stderr not in Spanish:\n%s", errOut.String())
	}
}
