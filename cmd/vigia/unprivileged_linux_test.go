package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestUnprivilegedSignalRefusedInTmux sends SIGCONT, harmless if it were
// delivered, from `vigia top` to PID 1, which belongs to another user: the
// status bar says the kernel refused it and why. Run only unprivileged and
// without CAP_KILL, as scripts/nonroot-e2e.sh does.
func TestUnprivilegedSignalRefusedInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 || canKill(string(status)) {
		t.Skip("root or CAP_KILL may signal PID 1: run unprivileged (scripts/nonroot-e2e.sh)")
	}
	pid1, err := os.ReadFile("/proc/1/status")
	if err != nil {
		t.Skipf("PID 1 is not visible: %v", err)
	}
	if uid := statusField(string(pid1), "Uid:"); uid == "" || uid == strconv.Itoa(os.Geteuid()) {
		t.Skipf("PID 1 belongs to this user (uid %q)", uid)
	}
	t.Parallel()

	p := newPane(t, "vigia-e2e-eperm", 160, 50)
	p.keys(vigiaBin+" top --interval 500ms", "Enter")
	p.waitFor("the process table", func(s string) bool { return strings.Contains(s, "COMMAND") && strings.Contains(s, " procs") })
	p.keys("N", "Home")
	p.waitFor("PID 1 first", func(s string) bool { return strings.Contains(s, "PID▲") && strings.Contains(s, "›      1 ") })
	p.keys("k")
	p.waitFor("the signal menu", contains("Send a signal to 1 "))
	p.keys("Down", "Down", "Down", "Down", "Down")
	p.waitFor("SIGCONT chosen", contains("› 6 SIGCONT"))
	p.keys("Enter")
	p.waitFor("the confirmation", contains("Send SIGCONT to 1"))
	p.keys("y")
	p.waitFor("the refusal in the status bar", contains("not permitted to send SIGCONT to 1 "))
	s := p.waitFor("the reason", contains("(another user's process)"))
	if strings.Contains(s, "sent SIGCONT") {
		t.Errorf("the screen says the signal was sent:\n%s", s)
	}
	p.keys("q")
}

// canKill reports whether a /proc/PID/status grants CAP_KILL (bit 5 of
// CapEff), which lets a process signal any other.
func canKill(status string) bool {
	eff, err := strconv.ParseUint(statusField(status, "CapEff:"), 16, 64)
	return err != nil || eff&(1<<5) != 0
}

// statusField is the first word after key in a /proc/PID/status.
func statusField(status, key string) string {
	for _, l := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(l, key); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}
