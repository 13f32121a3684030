package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxExposure is the highest "Overall exposure level" systemd-analyze
// security may give vigia.service: 3.0 and below is rated OK or better.
const maxExposure = 3.0

// systemdAnalyze finds systemd-analyze; the system tests need it, a
// developer's machine may not have it.
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("VIGIA_SYSTEM_TESTS") == "1" {
			t.Fatal("systemd-analyze not found (Debian package systemd)")
		}
		t.Skip("systemd-analyze not found")
	}
	return path
}

// TestUnitVerifies runs systemd-analyze verify over the unit with
// ExecStart pointed at a built vigia: verify checks the command exists.
// --man=no: the man page is checked with the package, not here.
func TestUnitVerifies(t *testing.T) {
	t.Parallel()
	sa := systemdAnalyze(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "vigia")
	build := exec.Command("go", "build", "-o", bin, "../cmd/vigia")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	unit, err := os.ReadFile("systemd/vigia.service")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "ExecStart=/usr/bin/vigia serve ") {
		t.Fatal("vigia.service does not run /usr/bin/vigia serve")
	}
	path := filepath.Join(dir, "vigia.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/bin/vigia", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

var exposure = regexp.MustCompile(`Overall exposure level for vigia\.service: (\d+\.\d+)`)

// TestUnitExposure runs systemd-analyze security offline, as on a machine
// with no systemd running, and holds the unit to maxExposure.
func TestUnitExposure(t *testing.T) {
	t.Parallel()
	sa := systemdAnalyze(t)
	out, err := exec.Command(sa, "security", "--offline=yes", "--no-pager", "systemd/vigia.service").CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := exposure.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no overall exposure level in:\n%s", out)
	}
	level, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	if level > maxExposure {
		t.Errorf("exposure %.1f, want at most %.1f:\n%s", level, maxExposure, out)
	}
	t.Logf("vigia.service exposure %.1f", level)
}
