package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRemoteWriteSection(t *testing.T) {
	t.Parallel()
	rw := func(r ...RemoteWrite) Server { return Server{RemoteWrite: r} }
	tests := []sectionCase[Server]{
		{name: "url only", in: "server:\n  remote_write:\n    - url: http://127.0.0.1:9090/api/v1/write\n",
			want: rw(RemoteWrite{URL: "http://127.0.0.1:9090/api/v1/write"})},
		{name: "all", in: "server:\n  remote_write:\n    - url: https://m.example/api/v1/write\n      bearer_token_file: /etc/vigia/rw\n      tls_ca: ca.pem\n      interval: 30s\n      timeout: 5s\n      max_pending_samples: 1000\n      labels: {env: prod}\n    - url: http://vm:8428/api/v1/write\n      basic_auth: {username: u, password_file: pw}\n",
			want: rw(RemoteWrite{URL: "https://m.example/api/v1/write", BearerTokenFile: "/etc/vigia/rw", TLSCA: "ca.pem", Interval: 30 * time.Second, Timeout: 5 * time.Second, MaxPendingSamples: 1000, Labels: map[string]string{"env": "prod"}},
				RemoteWrite{URL: "http://vm:8428/api/v1/write", BasicAuth: &BasicAuth{Username: "u", PasswordFile: "pw"}})},
		{name: "no url", in: "server:\n  remote_write:\n    - interval: 15s\n", wantErr: "t.yaml:3: remote_write needs a url"},
		{name: "not http", in: "server:\n  remote_write:\n    - url: ftp://x/\n", wantErr: "t.yaml:3: remote_write url is not an http:// or https:// address"},
		{name: "password in url", in: "server:\n  remote_write:\n    - url: http://u:pw@x/api/v1/write\n", wantErr: "t.yaml:3: remote_write url holds a password"},
		{name: "same url twice", in: "server:\n  remote_write:\n    - url: http://x/w\n    - url: http://x/w\n", wantErr: "t.yaml:4: remote_write url already used by entry 1"},
		{name: "both auths", in: "server:\n  remote_write:\n    - url: http://x/w\n      bearer_token_file: t\n      basic_auth: {username: u, password_file: p}\n", wantErr: "t.yaml:5: remote_write: bearer_token_file and basic_auth exclude each other"},
		{name: "basic without password", in: "server:\n  remote_write:\n    - url: http://x/w\n      basic_auth:\n        username: u\n", wantErr: "t.yaml:4: remote_write: basic_auth needs username and password_file"},
		{name: "interval too short", in: "server:\n  remote_write:\n    - url: http://x/w\n      interval: 100ms\n", wantErr: "t.yaml:4: remote_write: interval: 100ms is too short (at least 1s)"},
		{name: "pending negative", in: "server:\n  remote_write:\n    - url: http://x/w\n      max_pending_samples: -1\n", wantErr: "t.yaml:4: remote_write: max_pending_samples -1 out of range"},
		{name: "bad label", in: "server:\n  remote_write:\n    - url: http://x/w\n      labels:\n        env: a\n        bad-name: b\n", wantErr: `t.yaml:6: remote_write: label name "bad-name" is not a Prometheus label name`},
		{name: "unknown key", in: "server:\n  remote_write:\n    - url: http://x/w\n      bearer_token: t\n", wantErr: `t.yaml:4: unknown key "bearer_token" in a remote_write entry`},
	}
	testSection(t, "server", tests, func(c *Config) Server { return c.Server })
}

func TestRemoteWriteAuthorization(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tok := filepath.Join(dir, "tok")
	if err := os.WriteFile(tok, []byte("s3cr3t-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rw      RemoteWrite
		want    string
		wantErr bool
	}{
		{"none", RemoteWrite{}, "", false},
		{"bearer", RemoteWrite{BearerTokenFile: tok}, "Bearer s3cr3t-token", false},
		{"basic", RemoteWrite{BasicAuth: &BasicAuth{Username: "vigia", PasswordFile: tok}}, "Basic dmlnaWE6czNjcjN0LXRva2Vu", false},
		{"missing file", RemoteWrite{BearerTokenFile: filepath.Join(dir, "nope")}, "", true},
	}
	for _, tt := range tests {
		got, err := tt.rw.Authorization()
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: Authorization() = %q, %v; want %q, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
	r := NewRedactor(nil).With(RemoteWrite{BearerTokenFile: tok}.Secrets()...)
	if got := r.String("refused s3cr3t-token"); got != "refused "+Redacted {
		t.Errorf("redacted = %q", got)
	}
}

// config check looks at the files a remote_write entry names, at their lines.
func TestCheckFileRemoteWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "vigia.yaml")
	body := "server:\n  remote_write:\n    - url: http://x/w\n      bearer_token_file: " + filepath.Join(dir, "none") +
		"\n    - url: http://y/w\n      tls_ca: " + filepath.Join(dir, "ca.pem") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := CheckFile(path)
	for _, want := range []string{path + ":4: remote_write: bearer_token_file: secret file", path + ":6: remote_write: tls_ca: "} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckFile = %v, want an error containing %q", err, want)
		}
	}
}
