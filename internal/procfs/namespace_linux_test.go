package procfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestLocalPIDs: only procfs of our own PID namespace lists PIDs kill(2)
// reaches; a fixture tree and a new PID namespace's /proc, seen from here,
// do not.
func TestLocalPIDs(t *testing.T) {
	t.Parallel()
	own, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	if !own.LocalPIDs() {
		t.Error("/proc: LocalPIDs = false, want true")
	}
	if ptFS(t, filepath.Join("testdata", "procs")).LocalPIDs() {
		t.Error("a fixture tree: LocalPIDs = true, want false")
	}

	// A process in a PID namespace of its own, with its procfs mounted
	// there: its /proc, reached through its root, is another namespace's.
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare is not installed (Debian package util-linux)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("unshare: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }() // our own child, by its PID
	// The namespace's procfs is mounted by the forked child of unshare.
	var foreign string
	deadline := time.Now().Add(10 * time.Second)
	for foreign == "" {
		if time.Now().After(deadline) {
			t.Skip("no procfs mounted in a new PID namespace (user namespaces disabled?)")
		}
		kids, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children")
		if pid, err := strconv.Atoi(string(bytes.TrimSpace(kids))); err == nil {
			root := "/proc/" + strconv.Itoa(pid) + "/root/proc"
			if b, err := os.ReadFile(root + "/1/comm"); err == nil && string(bytes.TrimSpace(b)) == "sleep" {
				foreign = root
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	fsys, err := NewFS(foreign, "/sys")
	if err != nil {
		t.Skipf("%s: %v", foreign, err)
	}
	if fsys.LocalPIDs() {
		t.Errorf("%s, another PID namespace's procfs: LocalPIDs = true, want false", foreign)
	}
}

// TestProcessStart: the start ProcessStart reads for a real process is the
// one the process table shows, and a process that is gone is ErrNoProcess.
func TestProcessStart(t *testing.T) {
	t.Parallel()
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	pid := int32(child.Process.Pid)
	pt, err := NewProcTable(fsys, ProcTableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	entries, err := pt.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want time.Time
	for _, e := range entries {
		if e.PID == pid {
			want = pt.StartTime(e.StartTicks)
		}
	}
	got, err := ProcessStart(fsys, pid)
	if err != nil || want.IsZero() || !got.Equal(want) {
		t.Errorf("ProcessStart(%d) = %v, %v; the table says %v", pid, got, err, want)
	}
	child.Process.Kill() // our own child, by its PID
	child.Wait()
	if _, err := ProcessStart(fsys, pid); !errors.Is(err, ErrNoProcess) {
		t.Errorf("ProcessStart of a reaped process = %v, want ErrNoProcess", err)
	}
}
