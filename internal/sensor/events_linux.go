package sensor

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// kmsgPath is the kernel log the OOM killer's victims are named from.
const kmsgPath = "/dev/kmsg"

// kmsgMaxRead bounds what one Poll reads of the kernel log.
const kmsgMaxRead = 1 << 20

// oomWatch notices OOM kills: an inotify watch on each cgroup's
// memory.events.local (memory.events before Linux 5.2, which counts the
// group's descendants too) fires when a counter moves, and only then is the
// file read and, when oom_kill grew, the kernel log read for the victim.
// Nothing is read while nothing happens.
type oomWatch struct {
	mount string
	in    *procfs.Inotify
	files map[int]*oomFile // by watch number
	kmsg  *procfs.Kmsg     // nil where the log is not readable
	kbuf  []byte
	evs   []procfs.InotifyEvent
}

type oomFile struct {
	path, file string // the cgroup's path and its events file
	kills      uint64
}

// newOOMWatch returns a watch of the cgroups under mount, naming victims
// from the kernel log at kmsg when it can be read.
func newOOMWatch(mount, kmsg string) (*oomWatch, error) {
	in, err := procfs.NewInotify()
	if err != nil {
		return nil, err
	}
	w := &oomWatch{mount: mount, in: in, files: map[int]*oomFile{}}
	if k, err := procfs.OpenKmsg(kmsg); err == nil {
		w.kmsg = k
	}
	return w, nil
}

// watch adds the cgroup at path (relative to the mount) and takes its
// count as the baseline. A group without the memory controller has no
// events file and is left out.
func (w *oomWatch) watch(path string) error {
	dir := filepath.Join(w.mount, filepath.FromSlash(path))
	for _, name := range [...]string{"memory.events.local", "memory.events"} {
		file := filepath.Join(dir, name)
		wd, err := w.in.Add(file, unix.IN_MODIFY)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		f := &oomFile{path: path, file: file}
		f.kills, _ = readOOMKills(file)
		w.files[wd] = f
		return nil
	}
	return nil
}

// forget does nothing: inotify ends the watch of a removed group itself
// (IN_IGNORED, in Poll).
func (w *oomWatch) forget(string) {}

// counted does nothing: every change of memory.events raises an inotify
// event, so the walk's counts tell nothing new.
func (w *oomWatch) counted(string, uint64) {}

func readOOMKills(file string) (uint64, error) {
	b, err := procfs.ReadFile(file)
	if err != nil {
		return 0, err
	}
	ev, err := procfs.ParseCgroupMemEvents(b)
	return ev.OOMKill, err
}

// Poll returns an event for each process killed since the last Poll.
func (w *oomWatch) Poll(now time.Time, dst []reading.Event) ([]reading.Event, error) {
	var err error
	w.evs, err = w.in.Read(w.evs[:0])
	var grown []oomGrowth
	check := func(f *oomFile) {
		kills, rerr := readOOMKills(f.file)
		if rerr != nil {
			return // removed while we looked
		}
		if kills > f.kills {
			grown = append(grown, oomGrowth{path: f.path, kills: kills - f.kills})
		}
		f.kills = kills
	}
	for _, ev := range w.evs {
		if ev.Mask&unix.IN_Q_OVERFLOW != 0 {
			// Changes were lost: every group is read once.
			for _, f := range w.files {
				check(f)
			}
			continue
		}
		f := w.files[ev.WD]
		if f == nil {
			continue
		}
		if ev.Mask&unix.IN_IGNORED != 0 {
			// The group was removed; one made again at its path between
			// two walks is not new to the walk, so it is watched here.
			delete(w.files, ev.WD)
			w.watch(f.path)
			continue
		}
		check(f)
	}
	// In path order: an overflow reads the groups in the map's order.
	slices.SortFunc(grown, func(a, b oomGrowth) int { return strings.Compare(a.path, b.path) })
	if len(grown) == 0 {
		return dst, err
	}
	var victims []procfs.OOMVictim
	if w.kmsg != nil {
		w.kbuf, _ = w.kmsg.Read(w.kbuf[:0], kmsgMaxRead)
		victims = procfs.ParseKmsgOOM(w.kbuf)
	}
	return append(dst, oomEvents(now, grown, victims)...), err
}

// Close releases the inotify descriptor and the kernel log.
func (w *oomWatch) Close() error {
	if w.kmsg != nil {
		w.kmsg.Close()
	}
	return w.in.Close()
}

// pressureWatch notices the machine's pressure stall crossings: through a
// PSI trigger on each of /proc/pressure/{cpu,memory,io}, polled without
// blocking, or where the kernel refuses the trigger (before 6.4 without
// privilege, or no PSI triggers at all) by reading the avg10 share.
type pressureWatch struct {
	res []pressureResource
}

type pressureResource struct {
	name, path string
	trig       *procfs.PressureTrigger
	cross      crossing
}

// newPressureWatch opens the triggers it may; a resource whose file is
// missing (a kernel without PSI) is left out.
func newPressureWatch(pfs procfs.FS) *pressureWatch {
	w := &pressureWatch{}
	for _, name := range [...]string{"cpu", "memory", "io"} {
		r := pressureResource{name: name, path: pfs.Proc("pressure", name)}
		if _, err := procfs.ReadFile(r.path); err != nil {
			continue
		}
		r.trig, _ = procfs.OpenPressureTrigger(r.path, pressureTrigger)
		w.res = append(w.res, r)
	}
	return w
}

// Poll returns a pressure event for each resource whose stall crossed the
// threshold since the last Poll.
func (w *pressureWatch) Poll(now time.Time, dst []reading.Event) ([]reading.Event, error) {
	var errs []error
	for i := range w.res {
		r := &w.res[i]
		var over bool
		avg := -1.0
		if r.trig != nil {
			fired, err := r.trig.Fired()
			if err != nil {
				errs = append(errs, err)
			}
			over = fired
		} else {
			p, err := readPressure(r.path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			avg = p.Some.Avg10
			over = avg >= pressureThresholdPercent
		}
		if !r.cross.step(now, over) {
			continue
		}
		if avg < 0 {
			if p, err := readPressure(r.path); err == nil {
				avg = p.Some.Avg10
			}
		}
		dst = append(dst, reading.Event{Time: now, Kind: reading.EventPressure, Resource: r.name, Value: max(avg, 0)})
	}
	return dst, errors.Join(errs...)
}

func readPressure(path string) (procfs.Pressure, error) {
	b, err := procfs.ReadFile(path)
	if err != nil {
		return procfs.Pressure{}, err
	}
	return procfs.ParsePressure(b)
}

// Close removes the triggers.
func (w *pressureWatch) Close() error {
	for _, r := range w.res {
		if r.trig != nil {
			r.trig.Close()
		}
	}
	return nil
}

// openSources starts the cgroups sensor's event sources: the OOM watch of
// the groups under the cgroup2 mount, or of the v1 memory hierarchy when
// v1 is true, and the machine's pressure triggers. A source that cannot
// start (no inotify or eventfd descriptors left) is left out: its events
// are lost, the sensor's metrics are not.
func (c *Cgroups) openSources(mount, kmsg string, v1 bool) {
	var w interface {
		EventSource
		oomSource
	}
	var err error
	switch {
	case mount == "":
	case v1:
		w, err = newOOMV1Watch(mount, kmsg)
	default:
		w, err = newOOMWatch(mount, kmsg)
	}
	if w != nil && err == nil {
		c.oom = w
		c.sources = append(c.sources, w)
	}
	c.sources = append(c.sources, newPressureWatch(c.fs))
}

// pollSources tells the OOM watch what the walk found and appends what
// every source saw to dst. Their errors cost only events, so they are not
// the reading's.
func (c *Cgroups) pollSources(now time.Time, dst []reading.Event) []reading.Event {
	if c.oom != nil {
		for _, p := range c.added {
			c.oom.watch(p)
		}
		for _, p := range c.removed {
			c.oom.forget(p)
		}
		for i := range c.stats {
			if st := &c.stats[i]; st.Full && st.MemEvents.HasOOMKill {
				c.oom.counted(st.Path, st.MemEvents.OOMKill)
			}
		}
	}
	for _, s := range c.sources {
		dst, _ = s.Poll(now, dst)
	}
	return dst
}
