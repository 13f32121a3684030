//go:build unix

package notify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExecEnvAndStdin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "notify.sh")
	// The script keeps what it was given for the test to read.
	body := "#!/bin/sh\nenv | grep '^VIGIA_' | sort > \"$1/env.$VIGIA_FINGERPRINT\"\ncat > \"$1/stdin.$VIGIA_FINGERPRINT\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	s := &execSender{argv: []string{script, dir}, timeout: 5 * time.Second}
	m := sampleMessage()
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	a := m.Alerts[0]
	env, err := os.ReadFile(filepath.Join(dir, "env."+a.Fingerprint))
	if err != nil {
		t.Fatalf("script did not run for the first alert: %v", err)
	}
	want := []string{
		"VIGIA_EVENT=escalated",
		"VIGIA_FINGERPRINT=" + a.Fingerprint,
		"VIGIA_HOST=web-1",
		"VIGIA_LABELS=device=/dev/sda1,fstype=ext4,mountpoint=/",
		"VIGIA_LABEL_DEVICE=/dev/sda1",
		"VIGIA_LABEL_FSTYPE=ext4",
		"VIGIA_LABEL_MOUNTPOINT=/",
		"VIGIA_MESSAGE=The root filesystem is almost full.",
		"VIGIA_METRIC=fs.used_percent",
		"VIGIA_RULE=root-full",
		"VIGIA_SENSOR=disk",
		"VIGIA_SEVERITY=critical",
		"VIGIA_STARTS_AT=2026-03-01T12:00:00Z",
		"VIGIA_STATUS=firing",
		`VIGIA_SUMMARY=root-full critical on web-1: fs.used_percent{device="/dev/sda1",fstype="ext4",mountpoint="/"} = 96.43 (threshold 95)`,
		"VIGIA_TEST=false",
		"VIGIA_THRESHOLD=95",
		"VIGIA_VALUE=96.4321",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(string(env)), "\n")); diff != "" {
		t.Errorf("environment mismatch (-want +got):\n%s", diff)
	}
	stdin, err := os.ReadFile(filepath.Join(dir, "stdin."+a.Fingerprint))
	if err != nil {
		t.Fatal(err)
	}
	var b Body
	if err := json.Unmarshal(stdin, &b); err != nil {
		t.Fatalf("stdin is not a JSON body: %v\n%s", err, stdin)
	}
	if len(b.Alerts) != 1 || b.Alerts[0].Rule != "root-full" || b.Host != "web-1" || b.Version != BodyVersion {
		t.Errorf("stdin body = %+v, want the one alert", b)
	}
	// One run per alert: the resolved one too, with its end.
	env2, err := os.ReadFile(filepath.Join(dir, "env."+m.Alerts[1].Fingerprint))
	if err != nil {
		t.Fatalf("script did not run for the second alert: %v", err)
	}
	if !strings.Contains(string(env2), "VIGIA_STATUS=resolved\n") || !strings.Contains(string(env2), "VIGIA_ENDS_AT=2026-03-01T12:08:00Z\n") {
		t.Errorf("second alert's environment:\n%s", env2)
	}
}

func TestExecFailureNamesTheReason(t *testing.T) {
	t.Parallel()
	s := &execSender{argv: []string{"/bin/sh", "-c", "echo 'no route to pager' >&2; exit 3"}, timeout: 5 * time.Second}
	err := s.Send(t.Context(), Message{Host: "h", Alerts: sampleMessage().Alerts[:1]})
	if err == nil || err.Error() != `command /bin/sh: exit status 3: "no route to pager"` {
		t.Errorf("Send = %v", err)
	}
	s = &execSender{argv: []string{"/nonexistent/pager"}, timeout: time.Second}
	if err := s.Send(t.Context(), sampleMessage()); err == nil || !strings.Contains(err.Error(), "/nonexistent/pager") {
		t.Errorf("Send with a missing command = %v", err)
	}
}

// TestExecHangingKilledWithItsChildren checks that a command past its
// timeout is killed with the processes it started.
func TestExecHangingKilledWithItsChildren(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "child")
	s := &execSender{argv: []string{"/bin/sh", "-c", `sleep 60 & echo $! > "$0"; wait`, pidfile}, timeout: 300 * time.Millisecond}
	start := time.Now()
	err := s.Send(t.Context(), Message{Host: "h", Alerts: sampleMessage().Alerts[:1]})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "killed after its 300ms timeout") {
		t.Errorf("Send = %v, want killed after its timeout", err)
	}
	if took > 3*time.Second {
		t.Errorf("Send returned after %v, want soon after the 300ms timeout", took)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("child pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	// The orphaned sleep may linger as a zombie until its new parent reaps
	// it; it must not be running.
	deadline := time.Now().Add(2 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d still running after its group was killed: %s", pid, stat)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The command gets what it needs of vigia's environment, not its secrets.
func TestExecEnvKeepsSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "env")
	environ := func() []string {
		return []string{
			"PATH=/usr/bin:/bin", "HOME=/var/lib/vigia", "LANG=es_ES.UTF-8", "LC_TIME=C", "TZ=Europe/Madrid",
			"VIGIA_WEBHOOK_TOKEN=s3cret-token-value", "AWS_SECRET_ACCESS_KEY=abc", "VIGIA_CONFIG=/etc/vigia.yaml",
			"SSH_AUTH_SOCK=/tmp/agent.sock", "LD_PRELOAD=/tmp/x.so",
		}
	}
	s := &execSender{argv: []string{"/bin/sh", "-c", `env | grep -v '^VIGIA_[A-Z_]*=' | grep -v '^PWD=' | sort > "$0"; env | grep -c TOKEN >> "$0"; true`, out}, timeout: 5 * time.Second, environ: environ}
	if err := s.Send(t.Context(), sampleMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"HOME=/var/lib/vigia", "LANG=es_ES.UTF-8", "LC_TIME=C", "PATH=/usr/bin:/bin", "TZ=Europe/Madrid", "0"}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "SHLVL=") && !strings.HasPrefix(l, "_=") { // set by the shell itself
			got = append(got, l)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("command's environment mismatch (-want +got):\n%s", diff)
	}
}
