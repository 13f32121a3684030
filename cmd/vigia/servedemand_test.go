package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProcessCadence: the agent's process walk idles at 10 s only when
// its cadence was left to the default and nothing needs every walk.
func TestProcessCadence(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		config     string
		args       []string
		top        int
		full, idle time.Duration
		pinned     bool
	}{
		{name: "defaults", full: 2 * time.Second, idle: 10 * time.Second},
		{name: "another sensor's interval", config: "sensors:\n  cpu:\n    interval: 1s\n", full: 2 * time.Second, idle: 10 * time.Second},
		{name: "--interval", args: []string{"--interval", "1s"}, full: time.Second, idle: 10 * time.Second, pinned: true},
		{name: "its interval in the config", config: "sensors:\n  processes:\n    interval: 5s\n", full: 5 * time.Second, idle: 10 * time.Second, pinned: true},
		{name: "every interval, slower than idle", config: "interval: 20s\n", full: 20 * time.Second, idle: 20 * time.Second, pinned: true},
		{name: "--top-processes", top: 5, full: 2 * time.Second, idle: 10 * time.Second, pinned: true},
		{name: "a process rule", config: "rules:\n  - name: nginx_down\n    kind: process\n    check: missing\n    comm: nginx\n    for: 30s\n",
			full: 2 * time.Second, idle: 10 * time.Second, pinned: true},
		{name: "a rule on a process metric", config: "rules:\n  - name: many\n    metric: procs.count\n    warning: 5000\n",
			full: 2 * time.Second, idle: 10 * time.Second, pinned: true},
		{name: "a rule on another metric", config: "rules:\n  - name: hot\n    metric: cpu.usage\n    warning: 50\n",
			full: 2 * time.Second, idle: 10 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := filepath.Join(t.TempDir(), "vigia.yaml")
			if err := os.WriteFile(cfg, []byte(c.config), 0o600); err != nil {
				t.Fatal(err)
			}
			e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
			fs := newFlagSet(e, "serve", serveHelp)
			m := addMachineFlags(fs, "all")
			if err := parseFlags(fs, append([]string{"--config", cfg}, c.args...)); err != nil {
				t.Fatal(err)
			}
			s, err := m.setup(e)
			if err != nil {
				t.Fatal(err)
			}
			full, idle, pinned := s.processCadence(c.top)
			if full != c.full || idle != c.idle || pinned != c.pinned {
				t.Errorf("processCadence = %v, %v, pinned %v; want %v, %v, %v", full, idle, pinned, c.full, c.idle, c.pinned)
			}
		})
	}
}
