package sensor

import (
	"os"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Memory reports /proc/meminfo as free(1) does, every meminfo field (in
// bytes where the kernel counts kB), and, when vigia runs in a cgroup v2 with a memory or CPU limit, the limit
// and the usage against it: the view that is correct inside a container.
type Memory struct {
	fs  procfs.FS
	buf []byte
	mi  procfs.MemInfo
	// cgroupUsage turns cpu.stat usage_usec into a rate, keyed by the
	// cgroup directory so a move to another cgroup starts a new baseline.
	cgroupUsage *Counters[string]
	// vm is /proc/vmstat when haveVM; vmRates turns its swap and fault
	// counters into rates; page is the size of the pages they count.
	vm      procfs.VMStat
	vmBuf   []byte
	haveVM  bool
	vmRates *Counters[string]
	page    uint64
	vmOut   []procfs.VMStatField
	// self is where vigia's cgroup is (Linux: memory_linux.go).
	self selfCgroup
}

// NewMemory returns a Memory sensor reading fs.
func NewMemory(fs procfs.FS) *Memory {
	return &Memory{fs: fs, cgroupUsage: NewCounters[string](), vmRates: NewCounters[string](), page: uint64(os.Getpagesize())}
}

// Name returns reading.SensorMemory.
func (m *Memory) Name() string { return reading.SensorMemory }

// memAvailable returns MemAvailable, or on kernels before 3.14, which lack
// it, an estimate of the same thing: free memory plus the page cache and
// reclaimable slab the kernel could drop, less shared memory (which sits in
// the page cache but cannot be dropped), never below MemFree nor above
// MemTotal.
func memAvailable(mi *procfs.MemInfo) uint64 {
	if mi.HasAvailable {
		return min(mi.MemAvailable, mi.MemTotal)
	}
	avail := mi.MemFree + mi.Buffers + mi.Cached + mi.SReclaimable
	avail -= min(mi.Shmem, avail)
	return min(max(avail, mi.MemFree), mi.MemTotal)
}

// memoryReading turns m.mi and the cgroup sample cg (nil without a cgroup
// limit) into a Reading stamped now.
func (m *Memory) memoryReading(now time.Time, cg *cgroupSample) reading.Reading {
	mi := &m.mi
	metrics := make([]reading.Metric, 0, 10+len(mi.Fields)+cg.metricCount())
	labels := make([]reading.Label, len(mi.Fields))
	gauge := func(name string, v float64, unit reading.Unit) {
		metrics = append(metrics, reading.Metric{Name: name, Value: v, Unit: unit})
	}

	avail := memAvailable(mi)
	used := mi.MemTotal - avail
	gauge(reading.MemUsedPercent, float64(used)/float64(mi.MemTotal)*100, reading.Percent)
	gauge(reading.MemTotal, float64(mi.MemTotal), reading.Bytes)
	gauge(reading.MemUsed, float64(used), reading.Bytes)
	gauge(reading.MemAvailable, float64(avail), reading.Bytes)
	gauge(reading.MemFree, float64(mi.MemFree), reading.Bytes)
	gauge(reading.MemBuffers, float64(mi.Buffers), reading.Bytes)
	// As free(1) counts its "cache" column: reclaimable slab is cache too.
	gauge(reading.MemCached, float64(mi.Cached+mi.SReclaimable), reading.Bytes)
	gauge(reading.SwapTotal, float64(mi.SwapTotal), reading.Bytes)
	if mi.SwapTotal > 0 {
		swapUsed := mi.SwapTotal - min(mi.SwapFree, mi.SwapTotal)
		gauge(reading.SwapUsed, float64(swapUsed), reading.Bytes)
		gauge(reading.SwapUsedPercent, float64(swapUsed)/float64(mi.SwapTotal)*100, reading.Percent)
	} else {
		// No swap: used is 0, and a used % of nothing is left out rather
		// than shown as a reassuring 0 %.
		gauge(reading.SwapUsed, 0, reading.Bytes)
	}
	for i, f := range mi.Fields {
		// The kernel's spelling ("Active(anon)"), as users know it from
		// /proc/meminfo; exporters derive node_exporter's names from it.
		labels[i] = reading.Label{Name: "field", Value: f.Name}
		unit := reading.None
		if f.Bytes {
			unit = reading.Bytes
		}
		metrics = append(metrics, reading.Metric{Name: reading.MemInfo, Labels: labels[i : i+1 : i+1], Value: float64(f.Value), Unit: unit})
	}
	if m.haveVM {
		metrics = m.appendVMStat(metrics, now)
	}
	metrics = cg.appendMetrics(metrics, m.cgroupUsage, now)
	return reading.Reading{Sensor: reading.SensorMemory, Time: now, Primary: reading.MemUsedPercent, Metrics: metrics}
}

// appendVMStat adds swap traffic and major faults as rates (from the second
// read on: a rate needs two samples), and the raw counters for exporters.
// Swap traffic, not swap use, is what slows a machine: a full swap that is
// never read costs nothing, a small one paged in and out all the time
// stalls every program that touches memory.
func (m *Memory) appendVMStat(metrics []reading.Metric, now time.Time) []reading.Metric {
	vm := &m.vm
	rates := [...]struct {
		name  string
		value uint64
		scale float64
		unit  reading.Unit
		has   bool
	}{
		{reading.SwapIn, vm.PswpIn, float64(m.page), reading.BytesPerSecond, vm.Has&procfs.VMStatPswpIn != 0},
		{reading.SwapOut, vm.PswpOut, float64(m.page), reading.BytesPerSecond, vm.Has&procfs.VMStatPswpOut != 0},
		{reading.MemMajorFaults, vm.PgMajFault, 1, reading.PerSecond, vm.Has&procfs.VMStatPgMajFault != 0},
	}
	for _, r := range rates {
		if !r.has {
			continue
		}
		if v, ok := m.vmRates.Rate(r.name, r.value, now); ok {
			metrics = append(metrics, reading.Metric{Name: r.name, Value: v * r.scale, Unit: r.unit})
		}
	}
	m.vmRates.Sweep()
	m.vmOut = vm.Exported(m.vmOut[:0])
	labels := make([]reading.Label, len(m.vmOut))
	for i, f := range m.vmOut {
		labels[i] = reading.Label{Name: "field", Value: f.Name}
		metrics = append(metrics, reading.Metric{Name: reading.MemVMStat, Labels: labels[i : i+1 : i+1], Value: float64(f.Value), Kind: reading.Counter})
	}
	return metrics
}

// cgroupSample is what one read found of vigia's cgroup v2: the tightest
// memory and CPU limits on the way from its cgroup up to the root, the usage
// of the cgroups that set them, and the pressure of its own cgroup.
type cgroupSample struct {
	memLimited   bool
	memMax       uint64
	memCurrent   uint64
	memInUse     uint64 // memCurrent less inactive page cache
	oomKills     uint64
	haveOOMKills bool
	cpuLimited   bool
	cpuDir       string // the cgroup whose cpu.max sets the quota
	cpuMax       procfs.CPUMax
	cpuStat      procfs.CgroupCPUStat
	haveCPUStat  bool
	pressure     [3]procfs.Pressure // cpu, memory, io
	havePressure [3]bool
}

var psiResources = [...]string{"cpu", "memory", "io"}

func (cg *cgroupSample) metricCount() int {
	if cg == nil {
		return 0
	}
	return 8 + len(psiResources)*6
}

// appendMetrics appends the cgroup metrics to ms. Nothing is appended
// without a limit: a cgroup without one tells nothing the machine-wide
// figures do not.
func (cg *cgroupSample) appendMetrics(ms []reading.Metric, usage *Counters[string], now time.Time) []reading.Metric {
	defer usage.Sweep()
	if cg == nil || (!cg.memLimited && !cg.cpuLimited) {
		return ms
	}
	if cg.memLimited {
		ms = append(ms,
			reading.Metric{Name: reading.CgroupMemMax, Value: float64(cg.memMax), Unit: reading.Bytes},
			reading.Metric{Name: reading.CgroupMemCurrent, Value: float64(cg.memCurrent), Unit: reading.Bytes},
		)
		if cg.memMax > 0 {
			ms = append(ms, reading.Metric{Name: reading.CgroupMemUsedPercent, Value: float64(cg.memInUse) / float64(cg.memMax) * 100, Unit: reading.Percent})
		}
		if cg.haveOOMKills {
			ms = append(ms, reading.Metric{Name: reading.CgroupOOMKillsTotal, Value: float64(cg.oomKills), Kind: reading.Counter})
		}
	}
	if cg.cpuLimited {
		cores := cg.cpuMax.Cores()
		ms = append(ms, reading.Metric{Name: reading.CgroupCPUQuota, Value: cores})
		if cg.haveCPUStat {
			// usage_usec per second of wall time is CPUs in use × 10⁶.
			if rate, ok := usage.Rate(cg.cpuDir, cg.cpuStat.UsageMicros, now); ok && cores > 0 {
				ms = append(ms, reading.Metric{Name: reading.CgroupCPUUsage, Value: rate / 1e6 / cores * 100, Unit: reading.Percent})
			}
			if cg.cpuStat.HasThrottling {
				ms = append(ms,
					reading.Metric{Name: reading.CgroupThrottledTotal, Value: float64(cg.cpuStat.Throttled), Kind: reading.Counter},
					reading.Metric{Name: reading.CgroupThrottledSecondsTotal, Value: float64(cg.cpuStat.ThrottledMicros) / 1e6, Unit: reading.Seconds, Kind: reading.Counter},
				)
			}
		}
	}
	for i, res := range psiResources {
		if cg.havePressure[i] {
			ms = appendPressure(ms, reading.CgroupPressure, "", res, cg.pressure[i])
		}
	}
	return ms
}

// appendPressure appends the averages of p as metric name{kind, resource,
// window} and, when total is not empty, its stall counters as
// total{kind, resource}.
func appendPressure(ms []reading.Metric, name, total, resource string, p procfs.Pressure) []reading.Metric {
	lines := []struct {
		kind string
		l    procfs.PressureLine
	}{{"some", p.Some}}
	if p.HasFull {
		lines = append(lines, struct {
			kind string
			l    procfs.PressureLine
		}{"full", p.Full})
	}
	// One backing array for this file's labels instead of one per metric.
	labels := make([]reading.Label, 0, len(lines)*(3*3+2))
	label := func(l ...reading.Label) []reading.Label {
		start := len(labels)
		labels = append(labels, l...)
		return labels[start:len(labels):len(labels)]
	}
	for _, ln := range lines {
		kind := reading.Label{Name: "kind", Value: ln.kind}
		res := reading.Label{Name: "resource", Value: resource}
		for _, w := range [...]struct {
			name string
			v    float64
		}{{"avg10", ln.l.Avg10}, {"avg60", ln.l.Avg60}, {"avg300", ln.l.Avg300}} {
			ms = append(ms, reading.Metric{
				Name:   name,
				Labels: label(kind, res, reading.Label{Name: "window", Value: w.name}),
				Value:  w.v, Unit: reading.Percent,
			})
		}
		if total != "" {
			ms = append(ms, reading.Metric{
				Name: total, Labels: label(kind, res),
				Value: float64(ln.l.TotalMicros) / 1e6, Unit: reading.Seconds, Kind: reading.Counter,
			})
		}
	}
	return ms
}
