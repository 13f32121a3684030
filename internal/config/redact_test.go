package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRedactor(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte("file-key-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VIGIA_TEST_REDACT_TOKEN", "env-tok")
	ns := []Notifier{{
		URL: "http://user:url-pass@example.org/hook",
		Headers: []Header{
			{Name: "Authorization", Value: Secret{Env: "VIGIA_TEST_REDACT_TOKEN", Prefix: "Bearer "}},
			{Name: "X-Api-Key", Value: Secret{File: keyFile}},
			{Name: "X-Inline", Value: Secret{Value: "inline-long-secret"}},
			{Name: "X-Team", Value: Secret{Value: "ops"}},
		},
	}}
	r := NewRedactor(ns, "agent-token-0123456789")
	tests := []struct{ in, want string }{
		{`403 Forbidden: "you sent Bearer env-tok"`, `403 Forbidden: "you sent Bearer [redacted]"`},
		{"key file-key-123 and env-tok", "key [redacted] and [redacted]"},
		{"http://user:url-pass@example.org", "http://user:[redacted]@example.org"},
		{"inline-long-secret for ops", "[redacted] for ops"},
		{"token agent-token-0123456789", "token [redacted]"},
		{"nothing secret", "nothing secret"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A rotated secret is hidden too: secrets are read at each use.
	if err := os.WriteFile(keyFile, []byte("rotated-key-456\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := r.String("echo rotated-key-456"); got != "echo [redacted]" {
		t.Errorf("after rotation: %q, want the new key hidden", got)
	}
	base := errors.New("POST x: 401: env-tok")
	err := r.Error(base)
	if err.Error() != "POST x: 401: [redacted]" || !errors.Is(err, base) {
		t.Errorf("Error = %q (Is base: %v), want the message redacted and the chain kept", err, errors.Is(err, base))
	}
	if r.Error(nil) != nil {
		t.Error("Error(nil) != nil")
	}
}
