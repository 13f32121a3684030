package procfs

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestProcessDetailFixture(t *testing.T) {
	t.Parallel()
	fsys := ptFS(t, filepath.Join("testdata", "procs"))
	hz := clockTicks()
	page := uint64(os.Getpagesize())
	users := NewUsers(SystemPasswd)
	tests := []struct {
		pid     int32
		want    reading.ProcessDetail
		wantErr error
	}{
		{pid: 100, want: reading.ProcessDetail{
			Process: reading.Process{
				PID: 100, PPID: 1, UID: 1000, User: users.Name(1000), State: "R", Comm: "a) (b",
				Cmdline: "/usr/bin/odd --name a) (b", CPUTime: 1500 / float64(hz),
				RSS: 25000 * page, MemPercent: float64(25000*page) / (8000000 * 1024) * 100, Threads: 4,
				Start: bootRelative(1764300000, 400000, hz),
			},
			Exe: "/usr/bin/odd", Cwd: "/home/alice", OpenFiles: 3, ReadBytes: 409600, WriteBytes: 8192, VMSize: 500000000,
		}},
		{pid: 105, want: reading.ProcessDetail{
			Process: reading.Process{
				PID: 105, PPID: 1, UID: 4242, User: users.Name(4242), State: "D", Comm: "sp ace\ttab",
				Cmdline: "/opt/x y/run", CPUTime: 40 / float64(hz), RSS: 200 * page,
				MemPercent: float64(200*page) / (8000000 * 1024) * 100, Threads: 2,
				Start: bootRelative(1764300000, 450000, hz),
			},
			Nice: -5, VMSize: 2000000,
		}},
		{pid: 103, wantErr: ErrNoProcess},
		{pid: 999, wantErr: ErrNoProcess},
		{pid: -1, wantErr: ErrNoProcess},
		{pid: 104, wantErr: ErrStatFormat},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.pid)), func(t *testing.T) {
			t.Parallel()
			got, err := ProcessDetail(fsys, tt.pid)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ProcessDetail(%d) error = %v, want %v", tt.pid, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ProcessDetail(%d): %v", tt.pid, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("ProcessDetail(%d) mismatch (-want +got):\n%s", tt.pid, diff)
			}
		})
	}
}

func TestProcessDetailRealProc(t *testing.T) {
	t.Parallel()
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	cmd := exec.Command("sleep", "30")
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	pid := int32(cmd.Process.Pid)
	// Right after exec the new image may not have touched a page yet (RSS
	// 0, state R): wait until it has settled into its sleep.
	var d reading.ProcessDetail
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		d, err = ProcessDetail(fsys, pid)
		if err != nil {
			t.Fatalf("ProcessDetail(own child %d): %v", pid, err)
		}
		if (d.RSS > 0 && d.State == "S") || time.Now().After(deadline) {
			break
		}
	}
	exe, _ := exec.LookPath("sleep")
	exe, _ = filepath.EvalSymlinks(exe)
	cwd, _ := filepath.EvalSymlinks(cmd.Dir)
	want := struct {
		PPID            int32
		Cmdline, Exe    string
		Cwd             string
		UnreadableCount int
	}{int32(os.Getpid()), "sleep 30", exe, cwd, 0}
	got := struct {
		PPID            int32
		Cmdline, Exe    string
		Cwd             string
		UnreadableCount int
	}{d.PPID, d.Cmdline, d.Exe, d.Cwd, len(d.Unreadable)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProcessDetail(sleep) mismatch (-want +got):\n%s", diff)
	}
	if d.OpenFiles < 3 || d.VMSize == 0 || d.RSS == 0 || time.Since(d.Start) > time.Minute || time.Since(d.Start) < -time.Second {
		t.Errorf("ProcessDetail(sleep) implausible: %+v", d)
	}

	cmd.Process.Kill()
	cmd.Wait()
	if _, err := ProcessDetail(fsys, pid); !errors.Is(err, ErrNoProcess) {
		t.Errorf("ProcessDetail(exited %d) error = %v, want ErrNoProcess", pid, err)
	}
}

// TestProcessDetailUnprivileged reads pid 1 as an unprivileged user, in a
// child process, since credentials are process-wide: exe, cwd and the
// descriptor list of another user's process are unreadable and must be named
// as such, while the rest of the detail is still filled.
func TestProcessDetailUnprivileged(t *testing.T) {
	t.Parallel()
	if os.Getenv("VIGIA_DETAIL_CHILD") == "1" {
		t.Skip("run as the child below")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to start a child as another user")
	}
	if _, err := os.Stat("/proc/1/stat"); err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// The go tool builds the test binary in a directory only root may
	// enter: give the child a copy it can run.
	dir, err := os.MkdirTemp("", "vigia-detail-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "procfs.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestProcessDetailUnprivilegedChild$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VIGIA_DETAIL_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "permission denied") || errors.Is(err, fs.ErrPermission) {
		t.Skipf("the test binary cannot run as uid 65534 here: %v", err)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProcessDetailUnprivilegedChild") {
		t.Fatalf("child as uid 65534: %v\n%s", err, out)
	}
}

func TestProcessDetailUnprivilegedChild(t *testing.T) {
	if os.Getenv("VIGIA_DETAIL_CHILD") != "1" {
		t.Skip("runs only as the child of TestProcessDetailUnprivileged")
	}
	fsys, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ProcessDetail(fsys, 1)
	if err != nil {
		t.Fatalf("ProcessDetail(1) as uid %d: %v", os.Geteuid(), err)
	}
	for _, f := range []string{"exe", "cwd", "open_files"} {
		if !slices.Contains(d.Unreadable, f) {
			t.Errorf("Unreadable = %q, want it to name %s", d.Unreadable, f)
		}
	}
	if d.Exe != "" || d.Cwd != "" || d.OpenFiles != 0 {
		t.Errorf("unreadable fields filled: exe %q cwd %q fds %d", d.Exe, d.Cwd, d.OpenFiles)
	}
	if d.PID != 1 || d.Comm == "" || d.User == "" || d.Start.IsZero() {
		t.Errorf("readable fields missing: %+v", d)
	}
}

// The detail names a process's user as the table does, also when its status
// file is missing (106: the owner of /proc/106 tells).
func TestProcessDetailUserMatchesTable(t *testing.T) {
	t.Parallel()
	fsys := ptFS(t, filepath.Join("testdata", "procs"))
	pt, err := NewProcTable(fsys, ProcTableOptions{NoKeepFD: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	entries, err := pt.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		d, err := ProcessDetail(fsys, e.PID)
		if err != nil {
			t.Errorf("ProcessDetail(%d): %v", e.PID, err)
			continue
		}
		if d.User != e.User || d.UID != e.UID {
			t.Errorf("process %d: detail says user %q (uid %d), the table %q (uid %d)", e.PID, d.User, d.UID, e.User, e.UID)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("checked %d processes, want the fixture's 7", checked)
	}
}

// A task that is not a process (a thread, reachable as /proc/TID though not
// listed) and a stat that names another pid are no process.
func TestProcessDetailNotAProcess(t *testing.T) {
	t.Parallel()
	fsys := ptFS(t, filepath.Join("testdata", "tasks"))
	tests := []struct {
		pid     int32
		wantErr error
		wantMsg string
	}{
		{pid: 300},
		{pid: 301, wantErr: ErrNoProcess, wantMsg: "task 301 is a thread of process 300"},
		{pid: 302, wantErr: ErrNoProcess, wantMsg: "302/stat names pid 399"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.pid)), func(t *testing.T) {
			t.Parallel()
			d, err := ProcessDetail(fsys, tt.pid)
			if tt.wantErr == nil {
				if err != nil || d.PID != tt.pid {
					t.Fatalf("ProcessDetail(%d) = pid %d, %v; want the process", tt.pid, d.PID, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ProcessDetail(%d) error = %v, want %v saying %q", tt.pid, err, tt.wantErr, tt.wantMsg)
			}
		})
	}
}
