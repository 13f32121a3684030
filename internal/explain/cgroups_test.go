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

// FuzzExplainCgroups: whatever groups were recorded, nested or not, every
// share is in [0, 1], the rise and fall are the outermost groups' sums,
// and no outermost group's line claims more than its part of them.
func FuzzExplainCgroups(f *testing.F) {
	f.Add([]byte{0, 4, 1, 3, 2, 1}, []byte{0, 9, 1, 8, 3, 2}, uint8(4), uint8(1))
	f.Add([]byte{}, []byte{4, 9, 5, 1}, uint8(0), uint8(1))
	paths := []string{"/", "/a", "/a/b", "/a/b/c", "/d", "/d/e", "/ab"}
	f.Fuzz(func(t *testing.T, b, w []byte, bcov, wcov uint8) {
		usage := func(bs []byte) []Usage {
			var us []Usage
			seen := map[string]bool{}
			for i := 0; i+1 < len(bs); i += 2 {
				p := paths[int(bs[i])%len(paths)]
				if !seen[p] {
					seen[p] = true
					us = append(us, Usage{Subject: group(p), CPUSeconds: float64(bs[i+1]), RSS: float64(bs[i+1]) * 10})
				}
			}
			return us
		}
		before := Span{CgroupsCovered: time.Duration(bcov) * time.Second, Cgroups: usage(b)}
		window := Span{CgroupsCovered: time.Duration(wcov) * time.Second, Cgroups: usage(w)}
		res := Explain(before, window)
		counts := outermost(before.Cgroups, window.Cgroups)
		for _, r := range res.Cgroups {
			var up, down float64
			for _, l := range append(append([]Line{}, r.Rose...), r.Fell...) {
				if l.Share < 0 || l.Share > 1 {
					t.Errorf("%s %s: share %v", r.Resource, l.ID, l.Share)
				}
				if counts(l.Subject) {
					if l.Delta > 0 {
						up += l.Share
					} else {
						down += l.Share
					}
				}
			}
			if up > 1+1e-9 || down > 1+1e-9 || r.Rise < 0 || r.Fall > 0 {
				t.Errorf("%s: outermost shares sum to %v, %v; rise %v, fall %v", r.Resource, up, down, r.Rise, r.Fall)
			}
		}
	})
}
