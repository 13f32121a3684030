package explain

import (
	"testing"
	"time"
)

func group(path string) Subject { return Subject{Kind: Cgroup, ID: path, Name: path} }

// TestCgroupShares: a group's usage includes its children's, so the
// totals are the outermost groups' and a child's share is of the same
// total as its parent's, never counted twice.
func TestCgroupShares(t *testing.T) {
	t.Parallel()
	sys, db, web, user := group("/system.slice"), group("/system.slice/db.service"), group("/system.slice/web.service"), group("/user.slice")
	before := Span{CgroupsCovered: 4 * time.Minute, Cgroups: []Usage{
		{Subject: sys, CPUSeconds: 40}, {Subject: db, CPUSeconds: 20}, {Subject: web, CPUSeconds: 20}, {Subject: user, CPUSeconds: 8},
	}}
	window := Span{CgroupsCovered: time.Minute, Cgroups: []Usage{
		{Subject: sys, CPUSeconds: 40}, {Subject: db, CPUSeconds: 34}, {Subject: web, CPUSeconds: 2}, {Subject: user, CPUSeconds: 12},
	}}
	res := Explain(before, window)
	if len(res.Cgroups) < 1 || res.Cgroups[0].Resource != CPU {
		t.Fatalf("cgroups ranked = %+v, want CPU first", res.Cgroups)
	}
	cpu := res.Cgroups[0]
	// Outermost: system.slice +30, user.slice +10.
	if cpu.Rise != 40 || cpu.Fall != 0 {
		t.Errorf("rise, fall = %v, %v; want 40, 0 (the outermost groups' changes)", cpu.Rise, cpu.Fall)
	}
	got := map[string]float64{}
	for _, l := range cpu.Rose {
		got[l.ID] = l.Share
	}
	for _, w := range []struct {
		id    string
		share float64
	}{{sys.ID, 30.0 / 40}, {db.ID, 29.0 / 40}, {user.ID, 10.0 / 40}} {
		if s, ok := got[w.id]; !ok || s < w.share-1e-9 || s > w.share+1e-9 {
			t.Errorf("%s: share %v (listed %v), want %v", w.id, s, ok, w.share)
		}
	}
	if cpu.Rose[0].ID != sys.ID || cpu.Rose[1].ID != db.ID {
		t.Errorf("rose %v, %v first; want system.slice, then db.service", cpu.Rose[0].ID, cpu.Rose[1].ID)
	}
	if len(cpu.Fell) != 1 || cpu.Fell[0].ID != web.ID || cpu.Fell[0].Share != 1 {
		t.Errorf("fell = %+v, want web.service alone (no outermost group fell, so its share is capped at 1)", cpu.Fell)
	}
}

func TestOutermost(t *testing.T) {
	t.Parallel()
	us := []Usage{{Subject: group("/")}, {Subject: group("/a")}, {Subject: group("/a/b")}}
	counts := outermost(us, nil)
	for path, want := range map[string]bool{"/": true, "/a": false, "/a/b": false, "/c": false} {
		if got := counts(group(path)); got != want {
			t.Errorf("outermost(%q) = %v, want %v", path, got, want)
		}
	}
	counts = outermost(us[1:], nil)
	for path, want := range map[string]bool{"/a": true, "/a/b": false, "/ab": true} {
		if got := counts(group(path)); got != want {
			t.Errorf("without the root, outermost(%q) = %v, want %v", path, got, want)
		}
	}
}
