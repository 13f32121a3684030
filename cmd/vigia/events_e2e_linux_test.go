package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestOOMKillEventOnThisMachine makes a cgroup with a 32 MiB memory.max on
// this machine's cgroup2 mount, runs `vigia watch --json` over it, then
// puts in it a process that allocates past the limit (tail of /dev/zero,
// which buffers a line that never ends) and waits for the OOM kill event,
// naming the victim where the kernel log is readable (root). It needs a
// cgroup2 mount it may write with the memory controller given to its
// children, and is skipped without one.
func TestOOMKillEventOnThisMachine(t *testing.T) {
	mount, name := testCgroup(t, "vigia-oom", func(mount string) error {
		if b, err := os.ReadFile(filepath.Join(mount, "cgroup.subtree_control")); err != nil || !strings.Contains(string(b), "memory") {
			return fmt.Errorf("the memory controller is not enabled below %s", mount)
		}
		return nil
	})
	dir := filepath.Join(mount, name)
	if err := os.WriteFile(filepath.Join(dir, "memory.max"), []byte("33554432"), 0o644); err != nil {
		t.Skipf("cannot limit %s: %v", dir, err)
	}
	os.WriteFile(filepath.Join(dir, "memory.swap.max"), []byte("0"), 0o644) // absent without swap accounting

	watch := exec.Command(vigiaBin, "watch", "--json", "--sensors", "cgroups", "--interval", "500ms")
	watch.Env = cleanEnv(t)
	out, err := watch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		watch.Process.Kill()
		watch.Wait()
	})
	lines := make(chan reading.Reading)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var r reading.Reading
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				lines <- r
			}
		}
	}()
	want := "/" + name
	// A reading that lists the group means its memory.events is watched.
	deadline := time.After(30 * time.Second)
	for seen := false; !seen; {
		select {
		case r, ok := <-lines:
			if !ok {
				t.Fatal("watch ended before it listed the group")
			}
			for _, m := range r.Metrics {
				seen = seen || m.Label("cgroup") == want
			}
		case <-deadline:
			t.Fatalf("no reading listed %s in 30 s", want)
		}
	}

	hog := exec.Command("sh", "-c", "echo $$ > "+filepath.Join(dir, "cgroup.procs")+" && exec tail /dev/zero")
	if err := hog.Start(); err != nil {
		t.Fatal(err)
	}
	hogDone := make(chan error, 1)
	go func() { hogDone <- hog.Wait() }()
	t.Cleanup(func() {
		hog.Process.Kill()
		<-hogDone
	})
	for {
		select {
		case r, ok := <-lines:
			if !ok {
				t.Fatal("watch ended before the OOM kill event")
			}
			for _, e := range r.Events {
				if e.Kind != reading.EventOOMKill || e.Cgroup != want {
					continue
				}
				if os.Geteuid() == 0 && (e.PID != int32(hog.Process.Pid) || e.Comm != "tail") {
					t.Errorf("OOM kill event %+v, want the victim tail (%d) named from the kernel log", e, hog.Process.Pid)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no OOM kill event for %s in 30 s", want)
		}
	}
}
