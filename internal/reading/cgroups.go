package reading

import "slices"

// Cgroup is one cgroup of a cgroups reading, its metrics gathered into one
// value: what the dashboard's view, the web page and /api/v1/cgroups show.
// A value the reading did not carry (a controller not enabled, no limit,
// no rate yet) is nil, never a zero that reads as a measurement.
type Cgroup struct {
	Path      string `json:"cgroup"`
	Unit      string `json:"unit,omitempty"`
	Runtime   string `json:"runtime,omitempty"`
	Container string `json:"container,omitempty"`
	Pod       string `json:"pod,omitempty"`

	CPUPercent       *float64 `json:"cpu_percent,omitempty"` // 100 = one core
	CPUSeconds       *float64 `json:"cpu_seconds_total,omitempty"`
	Throttled        *float64 `json:"throttled_periods_total,omitempty"`
	ThrottledSeconds *float64 `json:"throttled_seconds_total,omitempty"`
	MemCurrent       *float64 `json:"memory_bytes,omitempty"`
	MemWorkingSet    *float64 `json:"memory_working_set_bytes,omitempty"`
	MemMax           *float64 `json:"memory_max_bytes,omitempty"`
	MemPercent       *float64 `json:"memory_used_percent,omitempty"` // working set, % of MemMax
	MemHigh          *float64 `json:"memory_high_events_total,omitempty"`
	MemMaxEvents     *float64 `json:"memory_max_events_total,omitempty"`
	MemOOM           *float64 `json:"memory_oom_events_total,omitempty"`
	OOMKills         *float64 `json:"oom_kills_total,omitempty"`
	Pids             *float64 `json:"pids,omitempty"`
	IOReadBytes      *float64 `json:"io_read_bytes_total,omitempty"`
	IOWrittenBytes   *float64 `json:"io_written_bytes_total,omitempty"`
	IOReadRate       *float64 `json:"io_read_bytes_per_second,omitempty"`
	IOWriteRate      *float64 `json:"io_written_bytes_per_second,omitempty"`
	// Pressure is the "some" avg10 of each resource the group has a
	// pressure file for: cpu, memory, io.
	Pressure map[string]float64 `json:"pressure_some_avg10,omitempty"`
	// Labels are the group's labels on every series of the reading, for
	// finding its alerts.
	Labels []Label `json:"-"`
}

// Name is the shortest honest name of the group, as /metrics's name label
// has it: the container ID, else the unit, else the path.
func (c *Cgroup) Name() string {
	switch {
	case c.Container != "":
		return c.Container
	case c.Unit != "":
		return c.Unit
	}
	return c.Path
}

// PressureMax is the highest "some" avg10 of the group's resources and
// the resource's name; ok is false without pressure files.
func (c *Cgroup) PressureMax() (v float64, resource string, ok bool) {
	for _, res := range [...]string{"cpu", "memory", "io"} {
		if p, has := c.Pressure[res]; has && (!ok || p > v) {
			v, resource, ok = p, res, true
		}
	}
	return v, resource, ok
}

// Cgroups gathers a cgroups reading's metrics by group, in the order
// their first metrics come (the sensor's walk order: a parent before its
// children). Metrics of other sensors are skipped.
func Cgroups(r *Reading) []Cgroup {
	var out []Cgroup
	at := map[string]int{}
	for i := range r.Metrics {
		m := &r.Metrics[i]
		ls := Labels(m.Labels)
		path := ls.Value("cgroup")
		if path == "" {
			continue
		}
		j, ok := at[path]
		if !ok {
			j = len(out)
			at[path] = j
			out = append(out, Cgroup{Path: path, Unit: ls.Value("unit"), Runtime: ls.Value("runtime"),
				Container: ls.Value("container"), Pod: ls.Value("pod"), Labels: groupLabels(ls)})
		}
		c := &out[j]
		v := m.Value
		set := func(p **float64) { *p = &v }
		switch m.Name {
		case CgroupsCPUUsage:
			set(&c.CPUPercent)
		case CgroupsCPUSecondsTotal:
			set(&c.CPUSeconds)
		case CgroupsThrottledTotal:
			set(&c.Throttled)
		case CgroupsThrottledSecondsTotal:
			set(&c.ThrottledSeconds)
		case CgroupsMemCurrent:
			set(&c.MemCurrent)
		case CgroupsMemWorkingSet:
			set(&c.MemWorkingSet)
		case CgroupsMemMax:
			set(&c.MemMax)
		case CgroupsMemUsedPercent:
			set(&c.MemPercent)
		case CgroupsMemEventsTotal:
			switch ls.Value("event") {
			case "high":
				set(&c.MemHigh)
			case "max":
				set(&c.MemMaxEvents)
			case "oom":
				set(&c.MemOOM)
			}
		case CgroupsOOMKillsTotal:
			set(&c.OOMKills)
		case CgroupsPids:
			set(&c.Pids)
		case CgroupsIOReadBytesTotal:
			set(&c.IOReadBytes)
		case CgroupsIOWrittenBytesTotal:
			set(&c.IOWrittenBytes)
		case CgroupsIOReadRate:
			set(&c.IOReadRate)
		case CgroupsIOWriteRate:
			set(&c.IOWriteRate)
		case CgroupsPressure:
			if ls.Value("kind") == "some" && ls.Value("window") == "avg10" {
				if c.Pressure == nil {
					c.Pressure = map[string]float64{}
				}
				c.Pressure[ls.Value("resource")] = v
			}
		}
	}
	return slices.Clip(out)
}

// groupLabels returns the labels of ls that name the group, leaving out
// those of one series (event, resource, kind, window).
func groupLabels(ls Labels) []Label {
	out := make([]Label, 0, 5)
	for _, l := range ls {
		switch l.Name {
		case "cgroup", "container", "pod", "runtime", "unit":
			out = append(out, l)
		}
	}
	return out
}
