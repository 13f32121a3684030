package metrics

import "github.com/vigia-dev/vigia/internal/reading"

// cgroupSeries maps the cgroups sensor's metrics to cAdvisor's container_*
// series where one means the same thing, so dashboards written for cAdvisor
// work, and to vigia_cgroup_* where cAdvisor has none or counts otherwise.
// Every series is labelled id (the cgroup's path, as cAdvisor's id) and name
// (the container ID, else the systemd unit, else the path). Rates
// (cgroups.cpu.usage_percent) are left to the scraper, as cAdvisor does.
type cgroupSeries struct {
	byMetric map[string]*reading.Family
	// pressure is indexed by resource (cpu, memory, io) and kind: cAdvisor
	// calls "some" waiting and "full" stalled.
	pressure map[[2]string]*reading.Family
	events   *reading.Family
}

func newCgroupSeries() cgroupSeries {
	idName := []string{"id", "name"}
	nd := func(name, help string, isCounter bool) *reading.Family {
		if isCounter {
			return newCounter(name, help, idName...)
		}
		return newGauge(name, help, idName...)
	}
	s := cgroupSeries{
		byMetric: map[string]*reading.Family{
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
		pressure: map[[2]string]*reading.Family{},
		events: newCounter("vigia_cgroup_memory_events_total",
			"Times the cgroup went over memory.high (high), reached memory.max (max) or ran out of memory (oom), from memory.events.",
			"id", "name", "event"),
	}
	for _, res := range [...]string{"cpu", "memory", "io"} {
		s.pressure[[2]string{res, "some"}] = newCounter("container_pressure_"+res+"_waiting_seconds_total",
			"Total time duration tasks in the container have waited due to "+res+" congestion.", idName...)
		s.pressure[[2]string{res, "full"}] = newCounter("container_pressure_"+res+"_stalled_seconds_total",
			"Total time duration no tasks in the container could make progress due to "+res+" congestion.", idName...)
	}
	return s
}

// cgroups emits the series of a cgroups reading.
func (c *Collector) cgroups(emit reading.Emit, r *reading.Reading) {
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
			emit(s.events, m.Value, id, name, ls.Value("event"))
			continue
		case reading.CgroupsPressureStalledSecondsTotal:
			if d := s.pressure[[2]string{ls.Value("resource"), ls.Value("kind")}]; d != nil {
				emit(d, m.Value, id, name)
			}
			continue
		}
		if f := s.byMetric[m.Name]; f != nil {
			emit(f, m.Value, id, name)
		}
	}
}
