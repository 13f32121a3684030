package sensor

import (
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// oomV1Recheck is how many polls read every group's memory.oom_control
// once the eventfd fired: the kernel signals as a group runs out of
// memory, before the OOM killer has chosen and counted its victim, so the
// poll right after may be too early.
const oomV1Recheck = 2

// oomV1Watch notices OOM kills on a cgroup v1 host, where memory.oom_control
// raises no inotify event: one eventfd, registered with every memory group
// through its cgroup.event_control, fires when any of them runs out of
// memory, and only then are their oom_kill counts read. A kill the eventfd
// does not announce (the whole machine out of memory, or a group it could
// not be registered with: not root) is seen in the counts the walk reads
// every few passes (counted). Nothing is read while nothing happens.
type oomV1Watch struct {
	mount   string // the memory hierarchy
	n       *procfs.OOMNotifier
	groups  map[string]*uint64 // oom_kill count by group path
	recheck int
	grown   []oomGrowth
	kmsg    *procfs.Kmsg // nil where the log is not readable
	kbuf    []byte
}

// newOOMV1Watch returns a watch of the groups of the v1 memory hierarchy
// at mount, naming victims from the kernel log at kmsg when it can be read.
func newOOMV1Watch(mount, kmsg string) (*oomV1Watch, error) {
	n, err := procfs.NewOOMNotifier()
	if err != nil {
		return nil, err
	}
	w := &oomV1Watch{mount: mount, n: n, groups: map[string]*uint64{}}
	if k, err := procfs.OpenKmsg(kmsg); err == nil {
		w.kmsg = k
	}
	return w, nil
}

// watch takes the group's count as the baseline and registers the eventfd
// with it. A group the memory tree does not have (one of the cpu trees
// alone) is left out; one the eventfd cannot be registered with is still
// counted.
func (w *oomV1Watch) watch(path string) error {
	dir := filepath.Join(w.mount, filepath.FromSlash(path))
	kills, err := readOOMControl(dir)
	if err != nil {
		return nil
	}
	w.groups[path] = &kills
	return w.n.Register(dir)
}

func readOOMControl(dir string) (uint64, error) {
	b, err := procfs.ReadFile(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		return 0, err
	}
	kills, _, err := procfs.ParseCgroupV1OOMControl(b)
	return kills, err
}

// counted takes a group's count as the walk read it.
func (w *oomV1Watch) counted(path string, kills uint64) { w.step(path, kills) }

// step folds a count read now into the group's and notes its growth.
func (w *oomV1Watch) step(path string, kills uint64) {
	last := w.groups[path]
	if last == nil {
		return
	}
	// A smaller count is a new group made at the path since.
	if kills > *last {
		w.grown = append(w.grown, oomGrowth{path: path, kills: kills - *last})
	}
	*last = kills
}

// forget drops a group the walk no longer finds; the kernel ended its
// registration when it was removed.
func (w *oomV1Watch) forget(path string) { delete(w.groups, path) }

// Poll returns an event for each process killed since the last Poll.
func (w *oomV1Watch) Poll(now time.Time, dst []reading.Event) ([]reading.Event, error) {
	fired, err := w.n.Fired()
	if fired {
		w.recheck = oomV1Recheck
	}
	if w.recheck > 0 {
		w.recheck--
		for path := range w.groups {
			if kills, rerr := readOOMControl(filepath.Join(w.mount, filepath.FromSlash(path))); rerr == nil {
				w.step(path, kills)
			}
		}
	}
	if len(w.grown) == 0 {
		return dst, err
	}
	// In path order: the groups were read in the map's.
	slices.SortFunc(w.grown, func(a, b oomGrowth) int { return strings.Compare(a.path, b.path) })
	var victims []procfs.OOMVictim
	if w.kmsg != nil {
		w.kbuf, _ = w.kmsg.Read(w.kbuf[:0], kmsgMaxRead)
		victims = procfs.ParseKmsgOOM(w.kbuf)
	}
	dst = append(dst, oomEvents(now, w.grown, victims)...)
	w.grown = w.grown[:0]
	return dst, err
}

// Close releases the eventfd, ending every registration, and the kernel
// log.
func (w *oomV1Watch) Close() error {
	if w.kmsg != nil {
		w.kmsg.Close()
	}
	return w.n.Close()
}
