package sensor

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCgroupsHybridHost reads a hybrid host: a cgroup2 mount with only
// hugetlb, and the cpu, cpuacct and memory v1 trees mounted apart. The
// walk must take the v1 trees, the group's usage from cpuacct and its
// throttling from cpu, its times at the limit from memory.failcnt and
// memory.memsw.failcnt; then the group is throttled for half a pass and
// loses a process to the OOM killer (the kernel log the lines this host's
// kernel wrote), and both events come: the throttling on the next pass,
// the kill at the walk's next full read (the fixture has no
// cgroup.event_control, so no eventfd announces it).
func TestCgroupsHybridHost(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	root, c, kmsg := eventsSensor(t, "cgroups-hybrid", t0)
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "" || len(r.Events) != 0 {
		t.Errorf("quiet pass: note %q, events %+v", r.Note, r.Events)
	}
	v := cmlValues(r)
	for key, want := range map[string]float64{
		reading.CgroupsCount:                                     2,
		`cgroups.cpu.usage_seconds_total{cgroup="/job"}`:         1,
		`cgroups.cpu.nr_throttled_total{cgroup="/job"}`:          40,
		`cgroups.cpu.throttled_seconds_total{cgroup="/job"}`:     2.5,
		`cgroups.memory.max{cgroup="/job"}`:                      33554432,
		`cgroups.memory.events_total{cgroup="/job",event="max"}`: 5,
		`cgroups.memory.oom_kills_total{cgroup="/job"}`:          0,
	} {
		if got, ok := v[key]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", key, got, ok, want)
		}
	}
	for _, key := range []string{
		`cgroups.memory.events_total{cgroup="/job",event="high"}`,
		`cgroups.memory.events_total{cgroup="/job",event="oom"}`,
	} {
		if _, ok := v[key]; ok {
			t.Errorf("%s reported: v1 does not count it", key)
		}
	}

	appendKmsg(t, kmsg, "oom-v1-job.txt")
	cg := filepath.Join(root, "sys", "fs", "cgroup")
	writeFile(t, filepath.Join(cg, "memory", "job", "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
	writeFile(t, filepath.Join(cg, "cpu", "job", "cpu.stat"),
		"nr_periods 120\nnr_throttled 60\nthrottled_time 3500000000\nnr_bursts 0\nburst_time 0\n")
	var got []reading.Event
	for pass := 2; pass <= cgroupsFullEvery; pass++ {
		r, err := c.Read(context.Background(), t0.Add(time.Duration(pass)*2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Events...)
	}
	want := []reading.Event{
		{Time: t0.Add(4 * time.Second), Kind: reading.EventThrottled, Cgroup: "/job", Count: 20, Value: 1},
		{Time: t0.Add(10 * time.Second), Kind: reading.EventOOMKill, PID: 5151, Comm: "tail", Cgroup: "/job", Count: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}

	// A group removed is forgotten by the OOM watch too.
	for _, tree := range []string{"cpu", "cpuacct", "memory"} {
		os.RemoveAll(filepath.Join(cg, tree, "job"))
	}
	if _, err := c.Read(context.Background(), t0.Add(12*time.Second)); err != nil {
		t.Fatal(err)
	}
	if w, ok := c.oom.(*oomV1Watch); !ok {
		t.Errorf("OOM watch %T, want the v1 one", c.oom)
	} else if _, ok := w.groups["/job"]; ok {
		t.Error("removed group still watched")
	}
}
