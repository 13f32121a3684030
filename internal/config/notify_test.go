package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestNotifiersValid(t *testing.T) {
	t.Parallel()
	in := `notifiers:
  - name: ops
    type: webhook
    url: https://hooks.example.com/vigia?team=ops
    headers:
      X-Team: ops
      Authorization: {env: OPS_TOKEN, prefix: "Bearer "}
      X-Key: {file: /etc/vigia/key}
    timeout: 5s
    retries: 0
    group_wait: 0s
    min_severity: critical
  - name: am
    type: alertmanager
    url: http://127.0.0.1:9093/
  - name: page
    type: exec
    command: [/usr/local/bin/page, --team, "night shift"]
    send_resolved: false
  - {name: quiet, type: log}
`
	cfg, err := Parse("vigia.yaml", []byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []Notifier{
		{
			Name: "ops", Type: NotifierWebhook, URL: "https://hooks.example.com/vigia?team=ops",
			Headers: []Header{
				{Name: "Authorization", Value: Secret{Env: "OPS_TOKEN", Prefix: "Bearer ", Line: 7}},
				{Name: "X-Key", Value: Secret{File: "/etc/vigia/key", Line: 8}},
				{Name: "X-Team", Value: Secret{Value: "ops", Line: 6}},
			},
			Timeout: 5 * time.Second, Retries: 0, Backoff: time.Second,
			GroupWait: 0, GroupInterval: time.Minute, RepeatInterval: 4 * time.Hour,
			MinSeverity: reading.Critical, SendResolved: true, Line: 2,
		},
		{
			Name: "am", Type: NotifierAlertmanager, URL: "http://127.0.0.1:9093",
			Timeout: 10 * time.Second, Retries: 3, Backoff: time.Second, RepeatInterval: time.Minute,
			MinSeverity: reading.Warning, SendResolved: true, Line: 13,
		},
		{
			Name: "page", Type: NotifierExec, Command: []string{"/usr/local/bin/page", "--team", "night shift"},
			Timeout: 30 * time.Second, GroupWait: 10 * time.Second, GroupInterval: time.Minute, RepeatInterval: 4 * time.Hour,
			MinSeverity: reading.Warning, SendResolved: false, Line: 16,
		},
		{Name: "quiet", Type: NotifierLog, MinSeverity: reading.Warning, SendResolved: true, Line: 20},
	}
	if diff := cmp.Diff(want, cfg.Notifiers); diff != "" {
		t.Errorf("notifiers mismatch (-want +got):\n%s", diff)
	}
}

// TestNotifierErrorsNameTheLine checks that each mistake is reported at the
// line of the key that is wrong, with what was expected.
func TestNotifierErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"no type", "notifiers:\n  - name: x\n", []string{"n.yaml:2: notifier has no type"}},
		{"unknown type", "notifiers:\n  - name: x\n    type: slack\n", []string{`n.yaml:3: unknown notifier type "slack"`}},
		{"unknown key", "notifiers:\n  - name: x\n    type: log\n    url: http://a\n", []string{`n.yaml:4: log notifier has no setting "url"`}},
		{"bad url", "notifiers:\n  - name: x\n    type: webhook\n    url: ftp://a/b\n", []string{`n.yaml:4: url "ftp://a/b": want an http:// or https:// URL`}},
		{"url without host", "notifiers:\n  - name: x\n    type: webhook\n    url: 'http:///x'\n", []string{"n.yaml:4: url \"http:///x\": has no host"}},
		{"credentials in url", "notifiers:\n  - name: x\n    type: alertmanager\n    url: http://u:hunter2pass@a\n", []string{"n.yaml:4: url \"http://u:xxxxx@a\": credentials in the URL"}},
		{"missing url", "notifiers:\n  - name: x\n    type: alertmanager\n", []string{`n.yaml:2: alertmanager notifier "x" has no url`}},
		{"bad duration", "notifiers:\n  - name: x\n    type: webhook\n    url: http://a\n    timeout: 5 seconds\n", []string{`n.yaml:5: timeout: "5 seconds" is not a duration`}},
		{"negative duration", "notifiers:\n  - name: x\n    type: exec\n    command: [true]\n    group_wait: -1s\n", []string{"n.yaml:5: group_wait: -1s is negative"}},
		{"repeat below group", "notifiers:\n  - name: x\n    type: exec\n    command: [true]\n    repeat_interval: 10s\n", []string{"n.yaml:5: repeat_interval 10s is shorter than group_interval 1m0s"}},
		{"alertmanager never repeats", "notifiers:\n  - name: x\n    type: alertmanager\n    url: http://a\n    repeat_interval: 0s\n", []string{"n.yaml:5: repeat_interval must be at least 1s"}},
		{"retries", "notifiers:\n  - name: x\n    type: webhook\n    url: http://a\n    retries: many\n", []string{`n.yaml:5: retries: "many" must be a whole number from 0 to 10`}},
		{"severity", "notifiers:\n  - name: x\n    type: log\n    min_severity: high\n", []string{`n.yaml:4: min_severity: "high" (want warning or critical)`}},
		{"no command", "notifiers:\n  - name: x\n    type: exec\n", []string{`n.yaml:2: exec notifier "x" has no command`}},
		{"empty command", "notifiers:\n  - name: x\n    type: exec\n    command: []\n", []string{"n.yaml:4: command is empty"}},
		{"bad name", "notifiers:\n  - name: my hook\n    type: log\n", []string{`n.yaml:2: notifier name "my hook" must be`}},
		{"no name", "notifiers:\n  - type: log\n", []string{"n.yaml:2: log notifier has no name"}},
		{"header two sources", "notifiers:\n  - name: x\n    type: webhook\n    url: http://a\n    headers:\n      Authorization: {env: A, file: /b}\n", []string{"n.yaml:6: header Authorization needs exactly one of value, env or file"}},
		{"header bad key", "notifiers:\n  - name: x\n    type: webhook\n    url: http://a\n    headers:\n      X: {vault: a}\n", []string{`n.yaml:6: header X has no setting "vault"`}},
		{"header name", "notifiers:\n  - name: x\n    type: webhook\n    url: http://a\n    headers:\n      'X Y': a\n", []string{`n.yaml:6: "X Y" is not a valid header name`}},
		{"not a list", "notifiers: {name: x}\n", []string{"n.yaml:1: "}},
		{"duplicate", "notifiers:\n  - {name: x, type: log}\n  - name: x\n    type: log\n", []string{`n.yaml:3: notifier name "x" is already used on line 2`}},
		{"duplicate after a broken one", "notifiers:\n  - {name: b, type: exec}\n  - {name: x, type: log}\n  - {name: x, type: log}\n", []string{`n.yaml:2: exec notifier "b" has no command`, `n.yaml:4: notifier name "x" is already used on line 3`}},
		{"every problem at once", "notifiers:\n  - name: x\n    type: webhook\n    url: nope\n    timeout: soon\n  - name: y\n    type: exec\n", []string{
			`n.yaml:4: url "nope"`, `n.yaml:5: timeout: "soon"`, `n.yaml:6: exec notifier "y" has no command`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("n.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error, want %q", tt.in, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) error:\n%v\nwant it to contain %q", tt.in, err, w)
				}
			}
		})
	}
}

func TestSecretResolve(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKEN": "abc"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct {
		name    string
		s       Secret
		want    string
		wantErr string
	}{
		{"inline", Secret{Value: "v"}, "v", ""},
		{"env", Secret{Env: "TOKEN", Prefix: "Bearer "}, "Bearer abc", ""},
		{"env unset", Secret{Env: "NOPE", Line: 7}, "", "line 7: environment variable NOPE is not set or empty"},
		{"file", Secret{File: token, Prefix: "Bearer "}, "Bearer s3cret", ""},
		{"file empty", Secret{File: empty, Line: 3}, "", "line 3: secret file " + empty + " is empty"},
		{"file missing", Secret{File: filepath.Join(dir, "nope"), Line: 4}, "", "line 4: secret file: open "},
	}
	for _, tt := range tests {
		got, err := tt.s.resolve(lookup)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: resolve() error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: resolve() = %q, %v, want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestCheckNotifiers(t *testing.T) {
	t.Parallel()
	ns := []Notifier{
		{Name: "ok", Type: NotifierExec, Command: []string{"sh", "-c", "true"}, Line: 2},
		{Name: "gone", Type: NotifierExec, Command: []string{"/nonexistent/vigia-page"}, Line: 5},
		{Name: "hook", Type: NotifierWebhook, Headers: []Header{{Name: "X-Key", Value: Secret{File: "/nonexistent/key", Line: 9}}}, Line: 8},
	}
	err := CheckNotifiers("v.yaml", ns)
	if err == nil {
		t.Fatal("CheckNotifiers = nil, want errors for gone and hook")
	}
	for _, w := range []string{`v.yaml:5: notifier "gone": command "/nonexistent/vigia-page"`, `v.yaml:9: notifier "hook": header X-Key: secret file`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("CheckNotifiers error:\n%v\nwant it to contain %q", err, w)
		}
	}
	if strings.Contains(err.Error(), `"ok"`) {
		t.Errorf("CheckNotifiers complains of a command that exists:\n%v", err)
	}
}

// FuzzNotifiers checks that no notifiers section, however malformed, makes
// Parse panic, and that what it accepts is usable.
func FuzzNotifiers(f *testing.F) {
	f.Add("notifiers:\n  - {name: x, type: webhook, url: 'http://a', headers: {A: {env: B}}}\n")
	f.Add("notifiers:\n  - {name: x, type: exec, command: 'a b', timeout: 1s}\n")
	f.Add("notifiers:\n  - {name: x, type: alertmanager, url: 'http://a', repeat_interval: 1m}\n")
	f.Add("notifiers: [[], {}, 1, null]\n")
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := Parse("f.yaml", []byte(in))
		if err != nil {
			return
		}
		for _, n := range cfg.Notifiers {
			if !validName(n.Name) {
				t.Errorf("accepted notifier name %q", n.Name)
			}
			if n.Type == NotifierExec && len(n.Command) == 0 {
				t.Errorf("accepted exec notifier %q without command", n.Name)
			}
			if (n.Type == NotifierWebhook || n.Type == NotifierAlertmanager) && checkURL(n.URL) != nil {
				t.Errorf("accepted URL %q", n.URL)
			}
		}
	})
}

// TestCheckFileNamesEveryError checks that the machine's checks join the
// file's own errors, in line order, instead of waiting for a clean file.
func TestCheckFileNamesEveryError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.yaml")
	in := `notifiers:
  - name: hook
    type: webhook
    url: http://127.0.0.1:9/
    headers:
      X-Key: {file: /nonexistent/key}
rules:
  - metric: cpu.usgae
    warning: 70
`
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := CheckFile(path)
	if err == nil {
		t.Fatal("CheckFile = nil error")
	}
	want := []string{
		path + `:6: notifier "hook": header X-Key: secret file: open /nonexistent/key: no such file or directory`,
		path + `:8: rule 1: unknown metric "cpu.usgae" (docs/metrics.md lists them)`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("CheckFile errors mismatch (-want +got):\n%s", diff)
	}
}
