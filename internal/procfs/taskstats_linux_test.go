package procfs

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTaskstatsSeesAnExit runs with CAP_NET_ADMIN only. It starts a child
// that reads a file and exits with status 3, and waits for its record:
// the child's name, parent, status and a lifetime, as the kernel has them.
// With -capture it keeps the datagram as a fixture of this kernel's layout.
// listenOrSkip registers for taskstats on the online CPUs, or skips the
// test where that is not permitted (CAP_NET_ADMIN).
func listenOrSkip(t *testing.T) *Taskstats {
	t.Helper()
	online, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		t.Skipf("no online CPU list: %v", err)
	}
	ts, err := ListenTaskstats(string(online))
	if errors.Is(err, ErrNoTaskstats) {
		t.Skipf("not permitted here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts
}

var capture = flag.String("capture", "", "keep the datagram of TestTaskstatsSeesAnExit as testdata/taskstats/`name`")

func TestTaskstatsSeesAnExit(t *testing.T) {
	t.Parallel()
	ts := listenOrSkip(t)
	cmd := exec.Command("sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := int32(cmd.Process.Pid)
	cmd.Wait()
	timer := time.AfterFunc(10*time.Second, func() { ts.f.Close() })
	defer timer.Stop()
	var recs []TaskExit
	for {
		n, err := ts.recv()
		if errors.Is(err, os.ErrClosed) {
			t.Fatalf("no record of pid %d within 10 s", pid)
		}
		if err != nil {
			t.Fatal(err)
		}
		recs, err = ParseTaskstats(ts.buf[:n], ts.family, recs[:0])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.PID != pid {
				continue
			}
			if r.Comm != "sh" || r.PPID != int32(os.Getpid()) || r.ExitCode != 3<<8 || r.Elapsed == 0 || r.Version < 8 {
				t.Errorf("record %+v, want sh, parent %d, exit code %d and a lifetime", r, os.Getpid(), 3<<8)
			}
			if r.Version >= 12 && (r.TGID != pid || r.GroupDead) {
				t.Errorf("record %+v, want thread group %d", r, pid)
			}
			if now := time.Now().Unix(); r.Begin < now-60 || r.Begin > now+1 {
				t.Errorf("record begins at %d, now is %d", r.Begin, now)
			}
			if *capture != "" {
				if err := os.WriteFile(filepath.Join("testdata", "taskstats", *capture), ts.buf[:n], 0o644); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
	}
}

// TestTaskstatsOverflowIsReported: a listener that does not read while
// many tasks exit loses records, and says so once (ErrTaskstatsLost), then
// reads on. Its buffer is shrunk to the least the kernel allows so that a
// few hundred exits overflow it.
func TestTaskstatsOverflowIsReported(t *testing.T) {
	t.Parallel()
	ts := listenOrSkip(t)
	rc, err := ts.f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, 0) })
	if serr != nil {
		t.Fatal(serr)
	}
	// 100 short shells, each ending one task, while nothing reads.
	if err := exec.Command("sh", "-c", `i=0; while [ $i -lt 100 ]; do sh -c : ; i=$((i+1)); done`).Run(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(10*time.Second, func() { ts.f.Close() })
	defer timer.Stop()
	lost, read := 0, 0
	var recs []TaskExit
	for lost == 0 || read == 0 {
		recs, err = ts.Read(recs[:0])
		switch {
		case errors.Is(err, ErrTaskstatsLost):
			lost++
		case errors.Is(err, os.ErrClosed):
			t.Fatalf("within 10 s: %d overflows reported, %d records read after", lost, read)
		case err != nil:
			t.Fatal(err)
		case lost > 0:
			read += len(recs)
		}
		if lost > 0 && read == 0 && len(recs) == 0 {
			// Records come again only with new exits.
			exec.Command("true").Run()
		}
	}
}
