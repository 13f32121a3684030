package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesExportChecks exports the rules of the shipped example config
// (defaults included) as a user would, and Prometheus' own checker
// accepts the file; what stays on the agent is named on stderr.
func TestRulesExportChecks(t *testing.T) {
	t.Parallel()
	f := filepath.Join(t.TempDir(), "vigia.rules.yml")
	_, errOut, code := vigia(t, nil, "rules", "export", "--format", "prometheus", "--config", "../../examples/vigia.yaml",
		"--rule", "kind=process,check=missing,comm=sshd,name=sshd_gone", "--selector", `job="node"`, "--output", f)
	if code != 0 {
		t.Fatalf("vigia rules export: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "rule sshd_gone stays on the agent: a process rule") {
		t.Errorf("stderr does not name the process rule left out:\n%s", errOut)
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`alert: "cpu_high"`, `job=\"node\"`, "# left on the agent: sshd_gone"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export lacks %s:\n%s", want, b)
		}
	}
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus; the test command installs it)")
	}
	if out, err := exec.Command(bin, "check", "rules", f).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
	if _, errOut, code := vigia(t, nil, "rules", "export", "--format", "alertmanager"); code != 2 || !strings.Contains(errOut, `--format "alertmanager": want prometheus`) {
		t.Errorf("a wrong format: exit %d, %s", code, errOut)
	}
}
