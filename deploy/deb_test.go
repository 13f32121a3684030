package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// systemTests reports whether this run may install packages on the
// machine: as root, and only when the test command asks for it
// (scripts/test.sh sets VIGIA_SYSTEM_TESTS=1), so a developer's go test
// never does.
func systemTests(t *testing.T) {
	t.Helper()
	if os.Getenv("VIGIA_SYSTEM_TESTS") != "1" {
		t.Skip("installs system-wide: set VIGIA_SYSTEM_TESTS=1 (as root) to run")
	}
	if os.Geteuid() != 0 {
		t.Skip("installs system-wide: needs root")
	}
}

// lintian checks the .deb as Debian would: no error. Warnings are shown
// in the log; the accepted ones are in deploy/package/lintian-overrides.
func lintian(t *testing.T, deb string) {
	path, err := exec.LookPath("lintian")
	if err != nil {
		if os.Getenv("VIGIA_SYSTEM_TESTS") == "1" {
			t.Fatal("lintian not found (Debian package lintian)")
		}
		t.Skip("lintian not found")
	}
	out, err := exec.Command(path, "--allow-root", "--tag-display-limit", "0", deb).CombinedOutput()
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "E: ") {
			t.Errorf("lintian: %s", strings.TrimSpace(line))
		}
	}
	// lintian exits 1 when it reports an error, 2 when it could not run.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("lintian: %v\n%s", err, out)
	}
	t.Logf("lintian:\n%s", out)
}

// installDeb installs the .deb here, runs what it installed, upgrades it
// over an edited config, removes and purges it.
func installDeb(t *testing.T, r release, deb string) {
	systemTests(t)
	if exec.Command("dpkg-query", "-W", "vigia").Run() == nil {
		t.Skip("a vigia package is installed here already: left alone")
	}
	t.Cleanup(func() {
		if out, err := exec.Command("dpkg", "--purge", "vigia").CombinedOutput(); err != nil {
			t.Errorf("clean-up: dpkg --purge vigia: %v\n%s", err, out)
		}
	})
	run(t, "/", "dpkg", "-i", deb)

	listed := run(t, "/", "dpkg", "-L", "vigia")
	for _, want := range []string{"/usr/bin/vigia", "/lib/systemd/system/vigia.service", "/etc/vigia/vigia.yaml",
		"/usr/share/doc/vigia/copyright", "/usr/share/doc/vigia/changelog.Debian.gz", "/usr/share/doc/vigia/examples/vigia.yaml"} {
		if !strings.Contains(listed, want+"\n") {
			t.Errorf("the package does not hold %s", want)
		}
	}
	for f := range strings.Lines(listed) {
		if f = strings.TrimSpace(f); f != "" && f != "/." {
			if _, err := os.Lstat(f); err != nil {
				t.Errorf("listed but not in place: %v", err)
			}
		}
	}
	if conf := run(t, "/", "dpkg-query", "-W", "-f", "${Conffiles}", "vigia"); !strings.Contains(conf, "/etc/vigia/vigia.yaml") {
		t.Errorf("/etc/vigia/vigia.yaml is not a conffile: %q", conf)
	}
	passwd := strings.TrimSpace(run(t, "/", "getent", "passwd", "vigia"))
	if f := strings.Split(passwd, ":"); len(f) != 7 || f[5] != "/var/lib/vigia" || f[6] != "/usr/sbin/nologin" {
		t.Errorf("vigia user %q: want home /var/lib/vigia, shell /usr/sbin/nologin", passwd)
	}
	if st := strings.TrimSpace(run(t, "/", "stat", "-c", "%U:%G %a", "/var/lib/vigia")); st != "vigia:vigia 750" {
		t.Errorf("/var/lib/vigia is %s, want vigia:vigia 750", st)
	}

	// What it installed runs: the packaged config checks, and a snapshot
	// reads this machine.
	run(t, "/", "/usr/bin/vigia", "config", "check", "/etc/vigia/vigia.yaml")
	if out := run(t, "/", "/usr/bin/vigia", "snapshot", "--sensors", "memory,processes", "--top", "3"); !strings.Contains(out, "Memory") {
		t.Errorf("vigia snapshot:\n%s", out)
	}

	// An edited config survives a reinstall and an upgrade.
	const edit = "\n# edited here, kept on upgrade\n"
	f, err := os.OpenFile("/etc/vigia/vigia.yaml", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(edit)
	f.Close()
	if err := os.WriteFile("/var/lib/vigia/history-kept", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "/", "dpkg", "-i", deb)
	bin := filepath.Join(r.dist, binaryOf(t, r.sums, "linux-amd64"))
	upgrade := strings.TrimSpace(run(t, filepath.Join(r.dir, "tools/package"), "go", "run", ".", "deb",
		"-binary", bin, "-root", r.dir, "-release", "2", "-o", t.TempDir()))
	run(t, "/", "dpkg", "-i", upgrade)
	if v := run(t, "/", "dpkg-query", "-W", "-f", "${Version}", "vigia"); !strings.HasSuffix(v, "-2") {
		t.Errorf("after the upgrade vigia is %s, want revision 2", v)
	}
	if conf, err := os.ReadFile("/etc/vigia/vigia.yaml"); err != nil || !strings.HasSuffix(string(conf), edit) {
		t.Errorf("the edited config was not kept: %v\n%s", err, conf)
	}

	// Remove keeps the data and the user; purge removes both.
	run(t, "/", "dpkg", "--remove", "vigia")
	for _, p := range []string{"/usr/bin/vigia", "/lib/systemd/system/vigia.service"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there after remove", p)
		}
	}
	for _, p := range []string{"/var/lib/vigia/history-kept", "/etc/vigia/vigia.yaml"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("remove took %s: %v", p, err)
		}
	}
	if exec.Command("getent", "passwd", "vigia").Run() != nil {
		t.Error("remove took the vigia user")
	}
	run(t, "/", "dpkg", "--purge", "vigia")
	for _, p := range []string{"/var/lib/vigia", "/etc/vigia", "/etc/systemd/system/multi-user.target.wants/vigia.service"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s is still there after purge", p)
		}
	}
	for _, db := range []string{"passwd", "group"} {
		if exec.Command("getent", db, "vigia").Run() == nil {
			t.Errorf("purge left vigia in %s", db)
		}
	}
}
