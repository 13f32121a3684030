package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnprivilegedTemperatureNeedsRoot gives vigia a hwmon chip whose
// inputs are 0400, as some drivers make them: an unprivileged user is told
// that only root may read them, not that the machine has no sensors. Root
// reads files of any mode, so the test runs only unprivileged
// (scripts/nonroot-e2e.sh runs it so in CI).
func TestUnprivilegedTemperatureNeedsRoot(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads a 0400 file: run unprivileged (scripts/nonroot-e2e.sh)")
	}
	sys := t.TempDir()
	chip := filepath.Join(sys, "class", "hwmon", "hwmon0")
	if err := os.MkdirAll(chip, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"temp1_input": 0o000, "fan1_input": 0o000} {
		if err := os.WriteFile(filepath.Join(chip, name), []byte("42000\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ lang, want string }{
		{"LANG=C", "temperature sensors readable only by root"},
		{"LANG=es_ES.UTF-8", "sensores de temperatura legibles solo por root"},
	} {
		out, errOut, code := vigia(t, []string{tt.lang}, "snapshot", "--sysfs", sys, "--sensors", "temperature")
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %d, want %q in:\n%s%s", tt.lang, code, tt.want, out, errOut)
		}
	}
}
