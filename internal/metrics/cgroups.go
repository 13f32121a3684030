package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupSeries maps the cgroups sensor's metrics to cAdvisor's container_*
// series where one means the same thing, so dashboards written for cAdvisor
// work, and to vigia_cgroup_* where cAdvisor has none or counts otherwise.
// Every series is labelled id (the cgroup's path, as cAdvisor's id) and name
// (the container ID, else the systemd unit, else the path). Rates
// (cgroups.cpu.usage_percent) are left to the scraper, as cAdvisor does.
type cgroupSeries struct {
	byMetric map[string]cgroupDesc
	// pressure is indexed by resource (cpu, memory, io) and kind: cAdvisor
	// calls "some" waiting and "full" stalled.
	pressure map[[2]string]*prometheus.Desc
	events   *prometheus.Desc
}

type cgroupDesc struct {
	desc    *prometheus.Desc
	counter bool
}

func newCgroupSeries() cgroupSeries {
	idName := []string{"id", "name"}
	nd := func(name, help string, counter bool) cgroupDesc {
		return cgroupDesc{prometheus.NewDesc(name, help, idName, nil), counter}
	}
	s := cgroupSeries{
		byMetric: map[string]cgroupDesc{
			reading.CgroupsCPUSecondsTotal:       nd("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", true),
			reading.CgroupsThrottledTotal:        nd("container_cpu_cfs_throttled_periods_total", "Number of throttled period intervals.", true),
			reading.CgroupsThrottledSecondsTotal: nd("container_cpu_cfs_throttled_seconds_total", "Total time duration the container has been throttled.", true),
			reading.CgroupsMemCurrent:            nd("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed", false),
			reading.CgroupsMemWorkingSet:         nd("container_memory_working_set_bytes", "Current working set in bytes.", false),
			reading.CgroupsMemMax:                nd("container_spec_memory_limit_bytes", "Memory limit for the container.", false),
			reading.CgroupsOOMKillsTotal:         nd("container_oom_events_total", "Count of out of memory events observed for the container", true),
			reading.CgroupsPids:                  nd("vigia_cgroup_tasks", "Tasks (threads) in the cgroup (pids.current).", false),
			reading.CgroupsIOReadBytesTotal:      nd("vigia_cgroup_io_read_bytes_total", "Bytes the cgroup read, over all devices of io.stat.", true),
			reading.CgroupsIOWrittenBytesTotal:   nd("vigia_cgroup_io_written_bytes_total", "Bytes the cgroup wrote, over all devices of io.stat.", true),
		},
		pressure: map[[2]string]*prometheus.Desc{},
		events: prometheus.NewDesc("vigia_cgroup_memory_events_total",
			"Times the cgroup went over memory.high (high), reached memory.max (max) or ran out of memory (oom), from memory.events.",
			[]string{"id", "name", "event"}, nil),
	}
	for _, res := range [...]string{"cpu", "memory", "io"} {
		s.pressure[[2]string{res, "some"}] = prometheus.NewDesc("container_pressure_"+res+"_waiting_seconds_total",
			"Total time duration tasks in the container have waited due to "+res+" congestion.", idName, nil)
		s.pressure[[2]string{res, "full"}] = prometheus.NewDesc("container_pressure_"+res+"_stalled_seconds_total",
			"Total time duration no tasks in the container could make progress due to "+res+" congestion.", idName, nil)
	}
	return s
}

// cgroups emits the series of a cgroups reading.
func (c *Collector) cgroups(e *emitter, r *reading.Reading) {
	s := &c.cgroupSeries
	for _, m := range r.Metrics {
		ls := reading.Labels(m.Labels)
		id := ls.Value("cgroup")
		if id == "" {
			continue
		}
		name := ls.Value("container")
		if name == "" {
			name = ls.Value("unit")
		}
		if name == "" {
			name = id
		}
		switch m.Name {
		case reading.CgroupsMemEventsTotal:
			e.counter(s.events, m.Value, id, name, ls.Value("event"))
			continue
		case reading.CgroupsPressureStalledSecondsTotal:
			if d := s.pressure[[2]string{ls.Value("resource"), ls.Value("kind")}]; d != nil {
				e.counter(d, m.Value, id, name)
			}
			continue
		}
		d, ok := s.byMetric[m.Name]
		switch {
		case !ok:
		case d.counter:
			e.counter(d.desc, m.Value, id, name)
		default:
			e.gauge(d.desc, m.Value, id, name)
		}
	}
}
