package sensor

import (
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// CPU reports processor utilisation, in total, per mode and per core, from
// the deltas of two /proc/stat samples. Its first Read takes the baseline and
// returns ErrWarmup.
type CPU struct {
	fs procfs.FS
	// hz is USER_HZ, the unit of /proc/stat, for the seconds counters.
	hz        float64
	buf       []byte
	prev, cur procfs.Stat
	havePrev  bool
	// ids caches the label value of each core ID so a read does not format
	// the same numbers again.
	ids []string
}

// NewCPU returns a CPU sensor reading fs.
func NewCPU(fs procfs.FS) *CPU {
	return &CPU{fs: fs, hz: clockTicks()}
}

// Name returns reading.SensorCPU.
func (c *CPU) Name() string { return reading.SensorCPU }

// cpuModes are the modes of reading.CPUMode in display order. Guest time is
// left out: the kernel already counts it inside user and nice.
var cpuModes = [...]string{"user", "nice", "system", "iowait", "irq", "softirq", "steal", "idle"}

// cpuModeTicks returns t's ticks in cpuModes order.
func cpuModeTicks(t procfs.CPUTimes) [len(cpuModes)]uint64 {
	return [...]uint64{t.User, t.Nice, t.System, t.IOWait, t.IRQ, t.SoftIRQ, t.Steal, t.Idle}
}

// cpuDelta returns the ticks spent in each mode between two samples. A mode
// whose counter went backwards counts as zero: iowait is known to step back
// on idle NO_HZ cores, and a core taken offline and brought back may restart
// its counters. Percentages are shares of the clamped sum, so they always lie
// in 0–100. backwards reports whether any mode stepped back.
func cpuDelta(prev, cur procfs.CPUTimes) (d [len(cpuModes)]uint64, total uint64, backwards bool) {
	p, c := cpuModeTicks(prev), cpuModeTicks(cur)
	for i := range d {
		if c[i] < p[i] {
			backwards = true
			continue
		}
		if c[i]-p[i] > cpuMaxDelta {
			// Not time that passed but a corrupt or re-based counter;
			// also keeps every sum below overflow.
			backwards = true
			continue
		}
		d[i] = c[i] - p[i]
		total += d[i]
	}
	return d, total, backwards
}

// cpuMaxDelta is more ticks than any interval can hold: 2⁴⁰ ticks are 348
// years at USER_HZ 100.
const cpuMaxDelta = 1 << 40

// cpuIdle is the index of idle in cpuModes; iowait is idle time too, for
// utilisation.
const (
	cpuIOWait = 3
	cpuIdle   = 7
)

func cpuBusyPercent(d [len(cpuModes)]uint64, total uint64) float64 {
	busy := total - d[cpuIdle] - d[cpuIOWait]
	return float64(busy) / float64(total) * 100
}

// coreLabel returns the label value for core id, cached for the IDs real
// machines have, so a corrupt file naming cpu999999 costs no big cache.
func (c *CPU) coreLabel(id int) string {
	if id > 8192 {
		return strconv.Itoa(id)
	}
	for len(c.ids) <= id {
		c.ids = append(c.ids, strconv.Itoa(len(c.ids)))
	}
	return c.ids[id]
}

// prevCore finds the previous sample of the core with the given ID. Cores
// are listed in ID order, so the same index is tried first.
func prevCore(prev []procfs.CoreTimes, i, id int) (procfs.CPUTimes, bool) {
	if i < len(prev) && prev[i].ID == id {
		return prev[i].CPUTimes, true
	}
	for _, p := range prev {
		if p.ID == id {
			return p.CPUTimes, true
		}
	}
	return procfs.CPUTimes{}, false
}

// reading turns the samples c.prev and c.cur into a Reading stamped now.
//
// Cores that are new in c.cur (brought online since the last read) have no
// baseline and are left out of the per-core usage until the next read. When
// the aggregate line stepped back (older kernels sum only online cores, so a
// core going offline lowers it) the totals are summed from the cores present
// in both samples instead.
func (c *CPU) reading(now time.Time) reading.Reading {
	cores := c.cur.Cores
	nModes := len(cpuModes)
	metrics := make([]reading.Metric, 0, 2+nModes+len(cores)*(1+nModes))
	// One backing array for every label of this reading: far fewer
	// allocations than a small slice per metric on a 64-core machine.
	labels := make([]reading.Label, 0, nModes+len(cores)*(1+2*nModes))
	label := func(l ...reading.Label) []reading.Label {
		start := len(labels)
		labels = append(labels, l...)
		return labels[start:len(labels):len(labels)]
	}

	total, totalTicks, backwards := cpuDelta(c.prev.Total, c.cur.Total)
	var coreSum [len(cpuModes)]uint64
	var coreSumTicks uint64
	type coreUsage struct {
		id    string
		usage float64
	}
	usages := make([]coreUsage, 0, len(cores))
	for i, core := range cores {
		p, ok := prevCore(c.prev.Cores, i, core.ID)
		if !ok {
			continue
		}
		d, t, _ := cpuDelta(p, core.CPUTimes)
		if t == 0 {
			continue // no tick elapsed, or every counter was reset
		}
		for m := range d {
			coreSum[m] += d[m]
		}
		coreSumTicks += t
		usages = append(usages, coreUsage{c.coreLabel(core.ID), cpuBusyPercent(d, t)})
	}
	if (backwards || totalTicks == 0) && coreSumTicks > 0 {
		total, totalTicks = coreSum, coreSumTicks
	}

	r := reading.Reading{Sensor: reading.SensorCPU, Time: now, Primary: reading.CPUUsage}
	if totalTicks > 0 {
		metrics = append(metrics, reading.Metric{Name: reading.CPUUsage, Value: cpuBusyPercent(total, totalTicks), Unit: reading.Percent})
		for m, name := range cpuModes {
			metrics = append(metrics, reading.Metric{
				Name: reading.CPUMode, Labels: label(reading.Label{Name: "mode", Value: name}),
				Value: float64(total[m]) / float64(totalTicks) * 100, Unit: reading.Percent,
			})
		}
	} else {
		// Two samples within one tick: nothing measurable happened.
		r.Primary = ""
	}
	metrics = append(metrics, reading.Metric{Name: reading.CPUCores, Value: float64(len(cores))})
	for _, u := range usages {
		metrics = append(metrics, reading.Metric{
			Name: reading.CPUCoreUsage, Labels: label(reading.Label{Name: "cpu", Value: u.id}),
			Value: u.usage, Unit: reading.Percent,
		})
	}
	for _, core := range cores {
		id := c.coreLabel(core.ID)
		ticks := cpuModeTicks(core.CPUTimes)
		for m, name := range cpuModes {
			metrics = append(metrics, reading.Metric{
				Name:   reading.CPUSecondsTotal,
				Labels: label(reading.Label{Name: "cpu", Value: id}, reading.Label{Name: "mode", Value: name}),
				Value:  float64(ticks[m]) / c.hz, Unit: reading.Seconds, Kind: reading.Counter,
			})
		}
	}
	r.Metrics = metrics
	return r
}
