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

// Cgroups reports every cgroup v2 group of the host: CPU, memory against
// its limit, OOM kills, pids, I/O and pressure, named after the systemd
// unit, container and Kubernetes pod its path shows. It reads only
// world-readable files.
type Cgroups struct {
	fs     procfs.FS
	walker *procfs.CgroupWalker
	pass   int
	stats  []procfs.CgroupStats
	known  map[string]*cgroupState
	// added lists the groups the last walk found first, for the OOM
	// watch; sources are polled for events each pass (events_linux.go).
	added   []string
	sources []EventSource
	oom     interface{ watch(path string) error }
	// kmsg is the kernel log OOM victims are named from; kmsgPath when
	// empty (tests give a fixture).
	kmsg string
}

// cgroupState is what the sensor keeps of a cgroup between walks.
type cgroupState struct {
	usage uint64    // cpu.stat usage_usec at the last walk
	at    time.Time // time of the last walk
	seen  int       // pass of the last walk that found the group
	slow  procfs.CgroupStats
	name  procfs.CgroupName
	// throttle finds the bursts of cpu.stat's throttling counters.
	throttle throttleWatch
}

// NewCgroups returns a Cgroups sensor reading fs.
func NewCgroups(fs procfs.FS) *Cgroups {
	return &Cgroups{fs: fs, known: map[string]*cgroupState{}}
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
	c.added = c.added[:0]
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
		if st.HasCPU {
			if e, ok := k.throttle.step(now, now.Sub(k.at), st.CPU, cgroupWhere(st.Path, &k.name)); ok {
				events = append(events, e)
			}
		}
		if st.Full {
			k.slow = *st
		} else {
			mergeSlow(st, &k.slow)
		}
		k.usage, k.at, k.seen = st.CPU.UsageMicros, now, c.pass+1
		views = append(views, v)
	}
	for p, k := range c.known {
		if k.seen != c.pass+1 {
			delete(c.known, p)
		}
	}
	r := cgroupsReading(now, views)
	r.Events = events
	return r
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
			if st.CPU.HasThrottling {
				add(reading.CgroupsThrottledTotal, float64(st.CPU.Throttled), "", reading.Counter)
				add(reading.CgroupsThrottledSecondsTotal, float64(st.CPU.ThrottledMicros)/1e6, reading.Seconds, reading.Counter)
			}
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
		if st.HasMemEvents {
			ev := st.MemEvents
			for _, e := range [...]struct {
				name string
				v    uint64
			}{{"high", ev.High}, {"max", ev.Max}, {"oom", ev.OOM}} {
				ms = append(ms, reading.Metric{
					Name: reading.CgroupsMemEventsTotal, Labels: withLabels(ls, reading.Label{Name: "event", Value: e.name}),
					Value: float64(e.v), Kind: reading.Counter,
				})
			}
			if ev.HasOOMKill {
				add(reading.CgroupsOOMKillsTotal, float64(ev.OOMKill), "", reading.Counter)
			}
		}
		if st.HasPids {
			add(reading.CgroupsPids, float64(st.Pids), "", 0)
		}
		if st.HasIO {
			add(reading.CgroupsIOReadBytesTotal, float64(st.IO.ReadBytes), reading.Bytes, reading.Counter)
			add(reading.CgroupsIOWrittenBytesTotal, float64(st.IO.WrittenBytes), reading.Bytes, reading.Counter)
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
