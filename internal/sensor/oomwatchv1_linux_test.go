package sensor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestOOMV1WatchOnThisMachine makes a group with a 32 MiB limit in this
// machine's cgroup v1 memory tree, watches it, and runs tail of /dev/zero
// in it until the OOM killer ends it: the eventfd alone (no walk gives
// the watch a count) must bring the kill, in the first poll after it or
// the one after, naming the victim where the kernel log is readable. It
// needs a writable v1 memory tree (root on a v1 or hybrid host).
func TestOOMV1WatchOnThisMachine(t *testing.T) {
	mount := "/sys/fs/cgroup/memory"
	if _, err := os.Stat(filepath.Join(mount, "cgroup.event_control")); err != nil {
		t.Skipf("no cgroup v1 memory tree: %v", err)
	}
	name := fmt.Sprintf("vigia-oomv1-%d", os.Getpid())
	dir := filepath.Join(mount, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cgroup v1 memory tree not writable: %v", err)
	}
	t.Cleanup(func() {
		for try := 0; ; try++ {
			if err := os.Remove(dir); err == nil || try == 50 {
				if err != nil {
					t.Errorf("remove %s: %v", dir, err)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "memory.limit_in_bytes"), []byte("33554432"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "memory.memsw.limit_in_bytes"), []byte("33554432"), 0o644) // without swap accounting, absent
	w, err := newOOMV1Watch(mount, kmsgPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.watch("/" + name); err != nil {
		t.Fatalf("register: %v", err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if evs, err := w.Poll(now, nil); err != nil || len(evs) != 0 {
		t.Fatalf("quiet poll: %+v, %v", evs, err)
	}

	tail := exec.Command("sh", "-c", "echo $$ > "+filepath.Join(dir, "cgroup.procs")+" && exec tail /dev/zero")
	err = tail.Run() // the OOM killer ends it
	if tail.ProcessState == nil || tail.ProcessState.Success() {
		t.Fatalf("tail in a 32 MiB group: %v, want it killed", err)
	}
	var evs []reading.Event
	for range oomV1Recheck {
		if evs, err = w.Poll(now, evs); err != nil {
			t.Fatal(err)
		}
	}
	want := reading.Event{Time: now, Kind: reading.EventOOMKill, Cgroup: "/" + name, Count: 1}
	if w.kmsg != nil {
		want.PID, want.Comm = int32(tail.Process.Pid), "tail"
	}
	if len(evs) != 1 || evs[0] != want {
		t.Errorf("events %+v, want %+v", evs, want)
	}
}
