package sensor

import (
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupsFullEvery is how many walks pass between two reads of a cgroup's
// memory, pids, io and pressure files: cpu.stat, which rates are made of, is
// read on every walk, the rest every fifth (10 s at the default 2 s), which
// keeps a walk over hundreds of cgroups within the process walk's budget.
const cgroupsFullEvery = 5

// Cgroups reports every cgroup of the host, v2 or, where the v1 trees hold
// the CPU and memory controllers, v1: CPU, memory against its limit, OOM
// kills, pids, I/O and pressure, named after the systemd unit, container
// and Kubernetes pod its path shows. It reads only world-readable files;
// on v1 it also registers an eventfd with each memory group's
// cgroup.event_control where it may (root), to hear of OOM kills.
//
// A reading keeps at most Max groups besides those with a limit or memory
// events (see capCgroups): a host of thousands of cgroups would otherwise
// make every snapshot and every history window thousands of series long.
type Cgroups struct {
	fs     procfs.FS
	walker cgroupWalker
	pass   int
	stats  []procfs.CgroupStats
	known  map[string]*cgroupState
	max    int
	// added and removed list the groups the last walk found first and
	// those it no longer found, for the OOM watch; sources are polled for
	// events each pass (events_linux.go).
	added, removed []string
	sources        []EventSource
	oom            oomSource
	// kmsg is the kernel log OOM victims are named from; kmsgPath when
	// empty (tests give a fixture).
	kmsg string
}

// oomSource is the OOM watch of the walked groups: it is told of the
// groups a walk found first and of those it lost, and given the oom_kill
// counts of the walk's full reads.
type oomSource interface {
	watch(path string) error
	forget(path string)
	counted(path string, kills uint64)
}

// cgroupWalker is a walk of a cgroup v2 tree (procfs.CgroupWalker) or of a
// v1 host's trees (procfs.CgroupV1Walker).
type cgroupWalker interface {
	Walk(dst []procfs.CgroupStats, full func(path string) bool) ([]procfs.CgroupStats, error)
}

// cgroupState is what the sensor keeps of a cgroup between walks.
type cgroupState struct {
	usage uint64    // cpu.stat usage_usec at the last walk
	at    time.Time // time of the last walk
	seen  int       // pass of the last walk that found the group
	slow  procfs.CgroupStats
	name  procfs.CgroupName
	// fullAt is the time of the last full read, and io the rates of
	// io.stat between the two last ones: io.stat is read only on a full
	// read, so its rates span those.
	fullAt time.Time
	io     cgroupIORate
	// throttle finds the bursts of cpu.stat's throttling counters.
	throttle throttleWatch
}

// cgroupIORate is a group's bytes read and written per second.
type cgroupIORate struct {
	read, written float64
	ok            bool
}

// DefaultMaxCgroups is how many of the busiest groups a reading keeps by
// default, besides those with limits or memory events.
const DefaultMaxCgroups = 200

// NewCgroups returns a Cgroups sensor reading fs, keeping at most
// DefaultMaxCgroups of the busiest groups besides those with limits or
// events.
func NewCgroups(fs procfs.FS) *Cgroups {
	return NewCgroupsMax(fs, DefaultMaxCgroups)
}

// NewCgroupsMax is NewCgroups keeping at most n of the busiest groups;
// 0 or less keeps every group.
func NewCgroupsMax(fs procfs.FS, n int) *Cgroups {
	return &Cgroups{fs: fs, known: map[string]*cgroupState{}, max: n}
}

// Name returns reading.SensorCgroups.
func (c *Cgroups) Name() string { return reading.SensorCgroups }

// wantFull says whether this walk reads a group's slow files: on every
// cgroupsFullEvery-th walk, and on the first walk that finds the group.
func (c *Cgroups) wantFull(path string) bool {
	if c.pass%cgroupsFullEvery == 0 {
		return true
	}
	_, ok := c.known[path]
	return !ok
}

// update folds a walk into the kept state and builds the reading: groups
// read without their slow files take those of their last full read, and a
// group's CPU rate needs its previous walk. Groups gone from the walk are
// forgotten.
func (c *Cgroups) update(now time.Time, stats []procfs.CgroupStats) reading.Reading {
	views := make([]cgroupView, 0, len(stats))
	var events []reading.Event
	c.added, c.removed = c.added[:0], c.removed[:0]
	for i := range stats {
		st := &stats[i]
		v := cgroupView{stats: st}
		k := c.known[st.Path]
		if k == nil {
			k = &cgroupState{name: procfs.ParseCgroupName(st.Path)}
			c.known[st.Path] = k
			c.added = append(c.added, st.Path)
		} else if dt := now.Sub(k.at).Seconds(); dt > 0 && st.HasCPU {
			v.hasRate = true
			// usage_usec only grows; a smaller one is a new group at the
			// same path (removed and made again between two walks).
			if st.CPU.UsageMicros >= k.usage {
				v.cpuPercent = float64(st.CPU.UsageMicros-k.usage) / 1e6 / dt * 100
			}
		}
		v.name = &k.name
		// A v1 group of the cpu tree alone has throttling but no usage.
		if st.HasCPU || st.CPU.HasThrottling {
			if e, ok := k.throttle.step(now, now.Sub(k.at), st.CPU, cgroupWhere(st.Path, &k.name)); ok {
				events = append(events, e)
			}
		}
		if st.Full {
			k.io = ioRate(k, st, now)
			k.slow, k.fullAt = *st, now
		} else {
			mergeSlow(st, &k.slow)
		}
		k.usage, k.at, k.seen = st.CPU.UsageMicros, now, c.pass+1
		v.io = k.io
		views = append(views, v)
	}
	for p, k := range c.known {
		if k.seen != c.pass+1 {
			delete(c.known, p)
			c.removed = append(c.removed, p)
		}
	}
	walked := len(views)
	views = capCgroups(views, c.max)
	r := cgroupsReading(now, views)
	r.Metrics[0].Value = float64(walked)
	r.Metrics = slices.Insert(r.Metrics, 1, reading.Metric{Name: reading.CgroupsOmitted, Value: float64(walked - len(views))})
	r.Events = events
	return r
}

// ioRate returns a group's io.stat rates between its last full read and
// this one, st; none on its first, or when a counter went back (a new
// group at the same path).
func ioRate(k *cgroupState, st *procfs.CgroupStats, now time.Time) cgroupIORate {
	last := &k.slow
	dt := now.Sub(k.fullAt).Seconds()
	if k.fullAt.IsZero() || dt <= 0 || !st.HasIO || !last.HasIO ||
		st.IO.ReadBytes < last.IO.ReadBytes || st.IO.WrittenBytes < last.IO.WrittenBytes {
		return cgroupIORate{}
	}
	return cgroupIORate{
		read:    float64(st.IO.ReadBytes-last.IO.ReadBytes) / dt,
		written: float64(st.IO.WrittenBytes-last.IO.WrittenBytes) / dt,
		ok:      true,
	}
}

// mergeSlow copies into st the slow fields of the group's last full read.
func mergeSlow(st, last *procfs.CgroupStats) {
	cpu, hasCPU, path := st.CPU, st.HasCPU, st.Path
	*st = *last
	st.CPU, st.HasCPU, st.Path, st.Full = cpu, hasCPU, path, false
}

// cgroupView is one cgroup as the reading shows it.
type cgroupView struct {
	stats      *procfs.CgroupStats
	name       *procfs.CgroupName
	cpuPercent float64
	hasRate    bool
	io         cgroupIORate
}

// cgroupLabels returns a group's labels, sorted by name: its path, and
// what the path says of its unit, container and pod.
func cgroupLabels(path string, n *procfs.CgroupName) []reading.Label {
	ls := make([]reading.Label, 0, 5)
	ls = append(ls, reading.Label{Name: "cgroup", Value: path})
	if n.Container != "" {
		ls = append(ls, reading.Label{Name: "container", Value: n.Container})
	}
	if n.Pod != "" {
		ls = append(ls, reading.Label{Name: "pod", Value: n.Pod})
	}
	if n.Runtime != "" {
		ls = append(ls, reading.Label{Name: "runtime", Value: n.Runtime})
	}
	if n.Unit != "" {
		ls = append(ls, reading.Label{Name: "unit", Value: n.Unit})
	}
	return ls[:len(ls):len(ls)]
}

// withLabels returns base and extra as one sorted slice.
func withLabels(base []reading.Label, extra ...reading.Label) []reading.Label {
	ls := slices.Concat(base, extra)
	slices.SortFunc(ls, func(a, b reading.Label) int { return strings.Compare(a.Name, b.Name) })
	return ls
}

// cgroupsReading builds the reading of one walk.
func cgroupsReading(now time.Time, groups []cgroupView) reading.Reading {
	ms := make([]reading.Metric, 0, 1+len(groups)*16)
	ms = append(ms, reading.Metric{Name: reading.CgroupsCount, Value: float64(len(groups))})
	for _, g := range groups {
		st := g.stats
		ls := cgroupLabels(st.Path, g.name)
		add := func(name string, v float64, unit reading.Unit, kind reading.Kind) {
			ms = append(ms, reading.Metric{Name: name, Labels: ls, Value: v, Unit: unit, Kind: kind})
		}
		if st.HasCPU {
			if g.hasRate {
				add(reading.CgroupsCPUUsage, g.cpuPercent, reading.Percent, 0)
			}
			add(reading.CgroupsCPUSecondsTotal, float64(st.CPU.UsageMicros)/1e6, reading.Seconds, reading.Counter)
		}
		if st.CPU.HasThrottling {
			add(reading.CgroupsThrottledTotal, float64(st.CPU.Throttled), "", reading.Counter)
			add(reading.CgroupsThrottledSecondsTotal, float64(st.CPU.ThrottledMicros)/1e6, reading.Seconds, reading.Counter)
		}
		if st.HasMem {
			add(reading.CgroupsMemCurrent, float64(st.MemCurrent), reading.Bytes, 0)
			ws := st.MemCurrent
			if st.HasMemStat {
				ws -= min(st.MemStat.InactiveFile, ws)
			}
			add(reading.CgroupsMemWorkingSet, float64(ws), reading.Bytes, 0)
			if st.MemLimited {
				add(reading.CgroupsMemMax, float64(st.MemMax), reading.Bytes, 0)
				if st.MemMax > 0 {
					add(reading.CgroupsMemUsedPercent, float64(ws)/float64(st.MemMax)*100, reading.Percent, 0)
				}
			}
		}
		if st.HasMemEvents || st.MemEvents.HasMax {
			ev := st.MemEvents
			for _, e := range [...]struct {
				name string
				v    uint64
				has  bool
			}{{"high", ev.High, st.HasMemEvents}, {"max", ev.Max, true}, {"oom", ev.OOM, st.HasMemEvents}} {
				if !e.has {
					continue // v1 counts only the times at the limit
				}
				ms = append(ms, reading.Metric{
					Name: reading.CgroupsMemEventsTotal, Labels: withLabels(ls, reading.Label{Name: "event", Value: e.name}),
					Value: float64(e.v), Kind: reading.Counter,
				})
			}
		}
		// v1 has no memory.events, but memory.oom_control counts the kills.
		if st.MemEvents.HasOOMKill {
			add(reading.CgroupsOOMKillsTotal, float64(st.MemEvents.OOMKill), "", reading.Counter)
		}
		if st.HasPids {
			add(reading.CgroupsPids, float64(st.Pids), "", 0)
		}
		if st.HasIO {
			add(reading.CgroupsIOReadBytesTotal, float64(st.IO.ReadBytes), reading.Bytes, reading.Counter)
			add(reading.CgroupsIOWrittenBytesTotal, float64(st.IO.WrittenBytes), reading.Bytes, reading.Counter)
			if g.io.ok {
				add(reading.CgroupsIOReadRate, g.io.read, reading.BytesPerSecond, 0)
				add(reading.CgroupsIOWriteRate, g.io.written, reading.BytesPerSecond, 0)
			}
		}
		for i, res := range procfs.CgroupPressureResources {
			if !st.HasPressure[i] {
				continue
			}
			start := len(ms)
			ms = appendPressure(ms, reading.CgroupsPressure, reading.CgroupsPressureStalledSecondsTotal, res, st.Pressure[i])
			for j := start; j < len(ms); j++ {
				ms[j].Labels = withLabels(ls, ms[j].Labels...)
			}
		}
	}
	return reading.Reading{Sensor: reading.SensorCgroups, Time: now, Metrics: ms}
}
