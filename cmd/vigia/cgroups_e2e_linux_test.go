package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCgroupsOnThisMachine makes a cgroup on this machine (on the cgroup2
// mount, or in the v1 trees of a host whose groups are v1's), puts a sleep
// in it and finds the group, with the sleep counted, in
// `vigia snapshot --sensors cgroups --json`. It needs a hierarchy it may
// write (root, or a delegated subtree) and is skipped without one.
func TestCgroupsOnThisMachine(t *testing.T) {
	g := testCgroup(t, "vigia-e2e")
	g.start(t, "exec sleep 60")

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
	want := g.path
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
	// pids.current is there when the group has the pids controller (not
	// on a hybrid host's cgroup2 mount, nor in v1 unless asked): then it
	// counts the sleep.
	if _, ok := g.dir("pids"); ok {
		for _, m := range rs[0].Metrics {
			if m.Name == reading.CgroupsPids && m.Label("cgroup") == want && m.Value != 1 {
				t.Errorf("%s pids = %v, want the sleep alone", want, m.Value)
			}
		}
	}
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
