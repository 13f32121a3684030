package procfs

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	d, err := ProcessDetail(fsys, pid)
	if err != nil {
		t.Fatalf("ProcessDetail(own child %d): %v", pid, err)
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
