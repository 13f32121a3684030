package sensor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCgroupsEvents reads the fixture host, then makes nginx.service lose
// a process to the OOM killer (its memory.events rewritten in place, as
// the kernel's change raises inotify's IN_MODIFY; the kernel log a
// fixture) and be throttled for half of a pass, and finds both events in
// the next reading.
func TestCgroupsEvents(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	root, c, kmsg := eventsSensor(t, "cgroups", t0)
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 0 {
		t.Fatalf("quiet pass: events %+v", r.Events)
	}

	appendKmsg(t, kmsg, "oom-nginx.txt")
	writeFile(t, filepath.Join(root, fixtureNginx, "memory.events"), "low 0\nhigh 2\nmax 9\noom 2\noom_kill 4\n")
	writeFile(t, filepath.Join(root, fixtureNginx, "cpu.stat"),
		"usage_usec 121000000\nnr_periods 120\nnr_throttled 30\nthrottled_usec 3500000\n")
	at := t0.Add(4 * time.Second)
	r, err = c.Read(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	want := []reading.Event{
		{Time: at, Kind: reading.EventThrottled, Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 20, Value: 1},
		{Time: at, Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 1},
	}
	if diff := cmp.Diff(want, r.Events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}

	// Nothing more happened: nothing more is said.
	r, err = c.Read(context.Background(), t0.Add(6*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 0 {
		t.Errorf("quiet pass after: events %+v", r.Events)
	}
}

// TestOOMWatchGroupMadeAgain: a group removed and made again at its path
// between two walks is watched again, and its OOM kill is seen.
func TestOOMWatchGroupMadeAgain(t *testing.T) {
	t.Parallel()
	mount := t.TempDir()
	dir := filepath.Join(mount, "job")
	writeFile(t, filepath.Join(dir, "memory.events"), "oom_kill 0\n")
	w, err := newOOMWatch(mount, filepath.Join(mount, "no-kmsg"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.watch("/job"); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(dir)
	writeFile(t, filepath.Join(dir, "memory.events"), "oom_kill 0\n")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if evs, err := w.Poll(now, nil); err != nil || len(evs) != 0 {
		t.Fatalf("after the group was made again: %+v, %v", evs, err)
	}
	writeFile(t, filepath.Join(dir, "memory.events"), "oom_kill 1\n")
	evs, err := w.Poll(now, nil)
	want := []reading.Event{{Time: now, Kind: reading.EventOOMKill, Cgroup: "/job", Count: 1}}
	if diff := cmp.Diff(want, evs); err != nil || diff != "" {
		t.Errorf("the new group's kill (%v) mismatch (-want +got):\n%s", err, diff)
	}
}

// eventsSensor is a cgroups sensor over a copy of the fixture machine,
// with a kernel log of its own that holds one old record, after its
// warm-up read at t0; its event sources are closed when the test ends.
func eventsSensor(t *testing.T, machine string, t0 time.Time) (root string, c *Cgroups, kmsg string) {
	t.Helper()
	root, pfs := copyMachine(t, machine)
	kmsg = filepath.Join(t.TempDir(), "kmsg")
	writeFile(t, kmsg, "6,1,1,-;an old record, skipped\n")
	c = NewCgroups(pfs)
	c.kmsg = kmsg
	t.Cleanup(func() {
		for _, s := range c.sources {
			s.Close()
		}
	})
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	return root, c, kmsg
}

// appendKmsg adds the records of testdata/kmsg/name to the log at kmsg,
// as the kernel writes them.
func appendKmsg(t *testing.T, kmsg, name string) {
	t.Helper()
	log, err := os.ReadFile(filepath.Join("testdata", "kmsg", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(kmsg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(log); err != nil {
		t.Fatal(err)
	}
}
