package procfs

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestMountTableWatchesTheKernel: a child in a mount namespace of its own
// mounts a tmpfs; the table, parsed once, is parsed again only after that
// mount, and then shows it.
func TestMountTableWatchesTheKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a mount namespace")
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", `mount --make-rprivate / && echo ready && read go && mount -t tmpfs vigiatest "$1" && echo mounted && read end`, "sh", dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Skipf("no mount namespace here: %v", err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	out := bufio.NewScanner(outPipe)
	expect := func(word string) {
		t.Helper()
		if !out.Scan() || out.Text() != word {
			t.Fatalf("child said %q (%v), want %q", out.Text(), out.Err(), word)
		}
	}
	expect("ready")

	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	tbl := fsys.MountTable(strconv.Itoa(cmd.Process.Pid))
	defer tbl.Close()
	has := func(ms []Mount) bool {
		for _, m := range ms {
			if m.MountPoint == dir && m.FSType == "tmpfs" && m.Source == "vigiatest" {
				return true
			}
		}
		return false
	}
	for i := range 3 {
		ms, err := tbl.Mounts()
		if err != nil {
			t.Fatal(err)
		}
		if has(ms) {
			t.Fatalf("call %d: the tmpfs shows before it is mounted", i+1)
		}
		ms[0].MountPoint = "/changed by the caller"
	}
	if tbl.reads != 1 {
		t.Errorf("three calls on an unchanged table parsed it %d times, want 1", tbl.reads)
	}

	if _, err := in.Write([]byte("go\n")); err != nil {
		t.Fatal(err)
	}
	expect("mounted")
	ms, err := tbl.Mounts()
	if err != nil {
		t.Fatal(err)
	}
	if !has(ms) || tbl.reads != 2 {
		t.Errorf("after the mount: tmpfs shown %v, %d parses; want it shown after a second parse", has(ms), tbl.reads)
	}
	if ms[0].MountPoint == "/changed by the caller" {
		t.Error("a caller's change to a returned table reached the table")
	}
}

// TestMountTableFixtureReadsEveryCall: a fixture tree's file is never
// marked changed, so every call reads it.
func TestMountTableFixtureReadsEveryCall(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	for _, d := range []string{filepath.Join(proc, "self"), filepath.Join(root, "sys")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(proc, "self", "mountinfo"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(proc, "stat"), []byte("cpu 1\nbtime 1764300000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n")
	fsys, err := NewFS(proc, filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	tbl := fsys.MountTable("self")
	defer tbl.Close()
	if ms, err := tbl.Mounts(); err != nil || len(ms) != 1 {
		t.Fatalf("first call: %v, %v", ms, err)
	}
	write("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n23 22 0:5 / /srv rw - tmpfs tmpfs rw\n")
	if ms, err := tbl.Mounts(); err != nil || len(ms) != 2 || ms[1].MountPoint != "/srv" {
		t.Errorf("after the fixture changed: %v, %v; want /srv too", ms, err)
	}
}

// BenchmarkMountTable is the mount table asked for once a pass: read and
// parsed every time, against held and parsed again only on a change.
func BenchmarkMountTable(b *testing.B) {
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fsys.MountInfo("self"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("watched", func(b *testing.B) {
		tbl := fsys.MountTable("self")
		defer tbl.Close()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tbl.Mounts(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
