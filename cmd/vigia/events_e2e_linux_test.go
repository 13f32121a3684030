package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestOOMKillEventOnThisMachine makes a cgroup with a 32 MiB memory limit
// on this machine (memory.max on the cgroup2 mount, or
// memory.limit_in_bytes in the v1 memory tree of a host whose groups are
// v1's), runs `vigia watch --json` over it, then puts in it a process that
// allocates past the limit (tail of /dev/zero, which buffers a line that
// never ends) and waits for the OOM kill event, naming the victim where
// the kernel log is readable (root). It needs a hierarchy it may write
// with the memory controller, and is skipped without one.
func TestOOMKillEventOnThisMachine(t *testing.T) {
	g := testCgroup(t, "vigia-oom", "memory")
	const limit = "33554432"
	if g.v1 {
		if err := g.write("memory", "memory.limit_in_bytes", limit); err != nil {
			t.Fatalf("limit %s: %v", g.path, err)
		}
		// Absent without swap accounting; else a limit of memory and
		// swap together, never below the memory limit.
		g.write("memory", "memory.memsw.limit_in_bytes", limit)
	} else {
		if err := g.write("memory", "memory.max", limit); err != nil {
			t.Fatalf("limit %s: %v", g.path, err)
		}
		g.write("memory", "memory.swap.max", "0") // absent without swap accounting
	}
	lines := watchCgroups(t)
	deadline := time.After(60 * time.Second)
	waitListed(t, lines, g.path, deadline)

	hog := g.start(t, "exec tail /dev/zero")
	for {
		select {
		case r, ok := <-lines:
			if !ok {
				t.Fatal("watch ended before the OOM kill event")
			}
			for _, e := range r.Events {
				if e.Kind != reading.EventOOMKill || e.Cgroup != g.path {
					continue
				}
				if os.Geteuid() == 0 && (e.PID != int32(hog.Process.Pid) || e.Comm != "tail") {
					t.Errorf("OOM kill event %+v, want the victim tail (%d) named from the kernel log", e, hog.Process.Pid)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no OOM kill event for %s in 60 s", g.path)
		}
	}
}

// TestThrottlingOnThisMachine makes a cgroup allowed 10 % of one CPU
// (cpu.max on the cgroup2 mount, or cpu.cfs_quota_us in the v1 cpu tree),
// runs `vigia watch --json` over it, puts a shell's busy loop in it and
// waits for the group to show throttling: its throttled periods and time
// growing, and a throttling event. The CPU it used meanwhile, from its
// usage counter, is held under the quota's share of the time. It needs a
// hierarchy it may write with the cpu controller, and is skipped without
// one.
func TestThrottlingOnThisMachine(t *testing.T) {
	g := testCgroup(t, "vigia-cpu", "cpu")
	if g.v1 {
		if err := g.write("cpu", "cpu.cfs_period_us", "100000"); err != nil {
			t.Fatalf("period of %s: %v", g.path, err)
		}
		if err := g.write("cpu", "cpu.cfs_quota_us", "10000"); err != nil {
			t.Fatalf("quota of %s: %v", g.path, err)
		}
	} else if err := g.write("cpu", "cpu.max", "10000 100000"); err != nil {
		t.Fatalf("quota of %s: %v", g.path, err)
	}
	lines := watchCgroups(t)
	deadline := time.After(60 * time.Second)
	waitListed(t, lines, g.path, deadline)

	start := time.Now()
	g.start(t, "while :; do :; done")
	var periods, secs, used float64
	var event bool
	for !event || periods == 0 || secs == 0 {
		select {
		case r, ok := <-lines:
			if !ok {
				t.Fatal("watch ended before the group was throttled")
			}
			for _, m := range r.Metrics {
				if m.Label("cgroup") != g.path {
					continue
				}
				switch m.Name {
				case reading.CgroupsThrottledTotal:
					periods = m.Value
				case reading.CgroupsThrottledSecondsTotal:
					secs = m.Value
				case reading.CgroupsCPUSecondsTotal:
					used = m.Value
				}
			}
			for _, e := range r.Events {
				if e.Kind == reading.EventThrottled && e.Cgroup == g.path {
					event = true
					if e.Count == 0 || e.Value <= 0 {
						t.Errorf("throttling event %+v has no periods or time", e)
					}
				}
			}
		case <-deadline:
			t.Fatalf("%s in 60 s: %v throttled periods, %v s throttled, event %v", g.path, periods, secs, event)
		}
	}
	// 10 ms every 100 ms; a quarter of the time leaves room for the
	// periods the loop started and ended in.
	if share := used / time.Since(start).Seconds(); share > 0.25 {
		t.Errorf("%s used %.2f s of CPU in %v: %.0f %% of one CPU, over its 10 %% quota", g.path, used, time.Since(start), share*100)
	}
}

// watchCgroups starts `vigia watch --json --sensors cgroups` and returns
// its readings as they come; it is killed when the test ends.
func watchCgroups(t *testing.T) <-chan reading.Reading {
	t.Helper()
	watch := exec.Command(vigiaBin, "watch", "--json", "--sensors", "cgroups", "--interval", "500ms")
	watch.Env = cleanEnv(t)
	out := startPiped(t, watch, nil)
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
	return lines
}

// waitListed reads until a reading lists the group at path: from then on
// its memory events are watched.
func waitListed(t *testing.T, lines <-chan reading.Reading, path string, deadline <-chan time.Time) {
	t.Helper()
	for {
		select {
		case r, ok := <-lines:
			if !ok {
				t.Fatal("watch ended before it listed the group")
			}
			for _, m := range r.Metrics {
				if m.Label("cgroup") == path {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no reading listed %s", path)
		}
	}
}
