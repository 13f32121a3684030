package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeReloadsOnHangup: SIGHUP makes a running agent re-read its
// config. Thresholds and rules change live (an alert raised under the old
// bound is lowered by the new one, a new rule is judged), the process and
// its port stay; a broken config is refused with its line named and the
// one in force stays; SIGTERM still ends it cleanly.
func TestServeReloadsOnHangup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("default_rules: false\nrules:\n  - name: many_cores\n    metric: cpu.cores\n    warning: 1\n")
	addr := freeAddr(t)
	cmd := exec.Command(vigiaBin, "serve", "--config", cfg, "--listen", addr, "--no-record", "--sensors", "cpu",
		"--interval", "200ms", "--log-level", "info")
	cmd.Env = cleanEnv(t, "HOME="+dir)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	defer func() {
		if !exited {
			cmd.Process.Kill()
			<-done
		}
	}()
	metrics := func() string {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	level := func(rule string) string {
		for _, l := range strings.Split(metrics(), "\n") {
			if strings.HasPrefix(l, `vigia_alert_level{rule="`+rule+`"} `) {
				return strings.TrimPrefix(l, `vigia_alert_level{rule="`+rule+`"} `)
			}
		}
		return "absent"
	}
	waitUntil(t, 15*time.Second, "many_cores raised", func() bool { return level("many_cores") == "1" })

	write("default_rules: false\nrules:\n  - name: many_cores\n    metric: cpu.cores\n    warning: 1000\n  - name: new_rule\n    metric: cpu.cores\n    warning: 1\n")
	cmd.Process.Signal(syscall.SIGHUP) // our own child, by its PID
	waitUntil(t, 15*time.Second, "the reloaded rules judged", func() bool {
		return level("many_cores") == "0" && level("new_rule") == "1"
	})
	if !strings.Contains(stderr.String(), "config reloaded") {
		t.Errorf("no line says the config was reloaded:\n%s", stderr.String())
	}

	write("default_rules: false\nrules:\n  - name: new_rule\n    metric: no.such.metric\n    warning: 1\n")
	cmd.Process.Signal(syscall.SIGHUP)
	waitUntil(t, 15*time.Second, "the broken config refused", func() bool {
		return strings.Contains(stderr.String(), "config reload refused")
	})
	if s := stderr.String(); !strings.Contains(s, "vigia.yaml:4") || !strings.Contains(s, "no.such.metric") {
		t.Errorf("the refusal does not name the line and the mistake:\n%s", s)
	}
	time.Sleep(500 * time.Millisecond)
	if level("new_rule") != "1" || level("many_cores") != "0" {
		t.Errorf("after a refused reload, the rules in force changed: new_rule %s, many_cores %s", level("new_rule"), level("many_cores"))
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		exited = true
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM")
	}
}
