package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCgroupsOnThisMachine makes a cgroup on this machine's cgroup2 mount,
// puts a sleep in it and finds the group, with the sleep counted, in
// `vigia snapshot --sensors cgroups --json`. It needs a cgroup2 mount it
// may write (root, or a delegated subtree) and is skipped without one.
func TestCgroupsOnThisMachine(t *testing.T) {
	mount, name := testCgroup(t, "vigia-e2e", nil)
	dir := filepath.Join(mount, name)
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	// The sleep ends before its group is removed (cleanups run last
	// first): a group with a process in it cannot be.
	t.Cleanup(func() {
		sleep.Process.Kill()
		sleep.Wait()
	})
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(sleep.Process.Pid)), 0o644); err != nil {
		t.Skipf("cannot move a process into %s: %v", dir, err)
	}

	out, errOut, code := vigia(t, nil, "snapshot", "--sensors", "cgroups", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rs []reading.Reading
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("snapshot --json: %v", err)
	}
	if len(rs) != 1 || rs[0].Sensor != reading.SensorCgroups || rs[0].Err != "" {
		t.Fatalf("snapshot = %+v, want one good cgroups reading", rs)
	}
	want := "/" + name
	found := map[string]bool{}
	for _, m := range rs[0].Metrics {
		if m.Label("cgroup") == want {
			found[m.Name] = true
		}
	}
	for _, m := range []string{reading.CgroupsCPUUsage, reading.CgroupsCPUSecondsTotal} {
		if !found[m] {
			t.Errorf("no %s for %s in the snapshot (it has %v)", m, want, found)
		}
	}
	// pids.current is there when the pids controller is enabled for the
	// group (not on a hybrid host's cgroup2 mount): then it counts the sleep.
	if b, err := os.ReadFile(filepath.Join(mount, "cgroup.subtree_control")); err == nil && strings.Contains(string(b), "pids") {
		for _, m := range rs[0].Metrics {
			if m.Name == reading.CgroupsPids && m.Label("cgroup") == want && m.Value != 1 {
				t.Errorf("%s pids = %v, want the sleep alone", want, m.Value)
			}
		}
	}
}

// testCgroup makes a cgroup named after prefix on this machine's cgroup2
// mount, removed when the test ends, and returns the mount and the group's
// name. It skips the test without a cgroup2 mount, when want (a check of
// the mount, such as a controller given to its children) says no, or when
// the mount is not writable.
func testCgroup(t *testing.T, prefix string, want func(mount string) error) (mount, name string) {
	t.Helper()
	for _, dir := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		if _, err := os.Stat(filepath.Join(dir, "cgroup.controllers")); err == nil {
			mount = dir
			break
		}
	}
	if mount == "" {
		t.Skip("no cgroup2 mount")
	}
	if want != nil {
		if err := want(mount); err != nil {
			t.Skip(err)
		}
	}
	name = fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), time.Now().UnixNano())
	dir := filepath.Join(mount, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cgroup2 mount %s not writable: %v", mount, err)
	}
	t.Cleanup(func() {
		if err := os.Remove(dir); err != nil {
			t.Errorf("remove %s: %v", dir, err)
		}
	})
	return mount, name
}

// TestCgroupsRuleOnUnit gives a rule on one unit's memory against its
// limit from the command line, over the fixture host whose nginx.service
// uses 77 % of its memory.max, and reads the status it gives.
func TestCgroupsRuleOnUnit(t *testing.T) {
	t.Parallel()
	fixture := filepath.Join("..", "..", "internal", "sensor", "testdata", "cgroups")
	for _, tt := range []struct {
		warning string
		want    reading.Status
	}{{"70", reading.Warning}, {"80", reading.Normal}} {
		out, errOut, code := vigia(t, nil, "snapshot", "--json", "--sensors", "cgroups",
			"--procfs", filepath.Join(fixture, "proc"), "--sysfs", filepath.Join(fixture, "sys"),
			"--rule", "metric=cgroups.memory.used_percent,warning="+tt.warning+",critical=90,labels.unit=nginx.service")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rs []reading.Reading
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("snapshot --json: %v", err)
		}
		if len(rs) != 1 {
			t.Fatalf("snapshot has %d readings, want the cgroups one", len(rs))
		}
		if rs[0].Status != tt.want {
			t.Errorf("warning at %s%%: status %v, want %v", tt.warning, rs[0].Status, tt.want)
		}
	}
}
