package promrules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// query builds the PromQL of one vigia metric. sel writes a selector of a
// series with the rule's label matchers (and the export's own) added;
// base writes one with the export's matchers only, for the denominator
// of a share. w is the range of rate() over a counter.
type query struct {
	sel, base func(name string, matchers ...string) string
	w         string
}

// series is how one vigia metric is computed from the series Prometheus
// holds: node_exporter's names, which vigia's /metrics exposes too, so
// one rule file serves hosts that run either.
type series struct {
	// labels are the vigia labels a rule may match on: the PromQL series
	// carry them under the same names.
	labels []string
	// counter marks a raw counter: a rate rule takes rate() of it.
	counter bool
	// plain marks an expression that is a bare selector, which a range
	// selector may follow; anything else needs a subquery.
	plain bool
	expr  func(q query) string
}

func plain(name string, labels ...string) series {
	return series{labels: labels, plain: true, expr: func(q query) string { return q.sel(name) }}
}

func counter(name string, labels ...string) series {
	s := plain(name, labels...)
	s.counter = true
	return s
}

func rate(name string, labels ...string) series {
	return series{labels: labels, expr: func(q query) string { return "rate(" + q.sel(name) + "[" + q.w + "])" }}
}

func percentOfTime(name string, labels ...string) series {
	return series{labels: labels, expr: func(q query) string { return "100 * rate(" + q.sel(name) + "[" + q.w + "])" }}
}

func calc(f func(q query) string, labels ...string) series {
	return series{labels: labels, expr: f}
}

var fsLabels = []string{"device", "fstype", "mountpoint"}

// fsUsedPercent is df's Use%: used over what an unprivileged user could
// have (used + available), as the disk sensor computes it.
func fsUsedPercent(q query) string {
	size, free, avail := q.sel("node_filesystem_size_bytes"), q.sel("node_filesystem_free_bytes"), q.sel("node_filesystem_avail_bytes")
	return fmt.Sprintf("100 * (%s - %s) / (%s - %s + %s)", size, free, size, free, avail)
}

// cores counts the CPUs as the load sensor does: one idle counter each.
func cores(q query) string {
	return `count without (cpu, mode) (` + q.base("node_cpu_seconds_total", `mode="idle"`) + `)`
}

// table maps every vigia metric that Prometheus can compute. The others
// (process counts, vigia's own cgroup, the self reading) have no series
// of node_exporter's, and a rule on them stays on the agent.
var table = map[string]series{
	reading.CPUUsage: calc(func(q query) string {
		return `100 * (1 - sum without (cpu, mode) (rate(` + q.sel("node_cpu_seconds_total", `mode=~"idle|iowait"`) + `[` + q.w + `])) / sum without (cpu, mode) (rate(` + q.sel("node_cpu_seconds_total") + `[` + q.w + `])))`
	}),
	reading.CPUMode: calc(func(q query) string {
		return `100 * sum without (cpu) (rate(` + q.sel("node_cpu_seconds_total") + `[` + q.w + `])) / ignoring (mode) group_left sum without (cpu, mode) (rate(` + q.base("node_cpu_seconds_total") + `[` + q.w + `]))`
	}, "mode"),
	reading.CPUCoreUsage: calc(func(q query) string {
		return `100 * (1 - sum without (mode) (rate(` + q.sel("node_cpu_seconds_total", `mode=~"idle|iowait"`) + `[` + q.w + `])) / sum without (mode) (rate(` + q.sel("node_cpu_seconds_total") + `[` + q.w + `])))`
	}, "cpu"),
	reading.CPUCores:        calc(cores),
	reading.CPUSecondsTotal: counter("node_cpu_seconds_total", "cpu", "mode"),

	reading.MemTotal:     plain("node_memory_MemTotal_bytes"),
	reading.MemAvailable: plain("node_memory_MemAvailable_bytes"),
	reading.MemFree:      plain("node_memory_MemFree_bytes"),
	reading.MemBuffers:   plain("node_memory_Buffers_bytes"),
	reading.MemUsed: calc(func(q query) string {
		return q.sel("node_memory_MemTotal_bytes") + " - " + q.sel("node_memory_MemAvailable_bytes")
	}),
	reading.MemCached: calc(func(q query) string {
		return q.sel("node_memory_Cached_bytes") + " + " + q.sel("node_memory_SReclaimable_bytes")
	}),
	reading.MemUsedPercent: calc(func(q query) string {
		return "100 * (1 - " + q.sel("node_memory_MemAvailable_bytes") + " / " + q.sel("node_memory_MemTotal_bytes") + ")"
	}),
	reading.SwapTotal: plain("node_memory_SwapTotal_bytes"),
	reading.SwapUsed: calc(func(q query) string {
		return q.sel("node_memory_SwapTotal_bytes") + " - " + q.sel("node_memory_SwapFree_bytes")
	}),
	reading.SwapUsedPercent: calc(func(q query) string {
		return "100 * (1 - " + q.sel("node_memory_SwapFree_bytes") + " / " + q.sel("node_memory_SwapTotal_bytes") + ")"
	}),
	reading.MemMajorFaults: rate("node_vmstat_pgmajfault"),

	reading.LoadPercent: calc(func(q query) string { return "100 * " + q.sel("node_load1") + " / " + cores(q) }),
	reading.Load1:       plain("node_load1"),
	// The fork meter reads the counter node_exporter exposes as node_forks_total.
	reading.ProcsForks:      rate("node_forks_total"),
	reading.ProcsForksTotal: counter("node_forks_total"),
	reading.Load5:           plain("node_load5"),
	reading.Load15:          plain("node_load15"),

	reading.TempMax: calc(func(q query) string {
		return "max without (chip, sensor) (" + q.sel("node_hwmon_temp_celsius") + ")"
	}),
	reading.HwmonTemp:     plain("node_hwmon_temp_celsius", "chip", "sensor"),
	reading.HwmonTempMax:  plain("node_hwmon_temp_max_celsius", "chip", "sensor"),
	reading.HwmonTempCrit: plain("node_hwmon_temp_crit_celsius", "chip", "sensor"),
	reading.HwmonFan:      plain("node_hwmon_fan_rpm", "chip", "sensor"),
	reading.ThermalZone:   plain("node_thermal_zone_temp", "zone", "type"),

	// The fullest filesystem that can be written to, as the disk sensor's
	// primary value.
	reading.DiskUsedPercent: calc(func(q query) string {
		return "max without (device, fstype, mountpoint) ((" + fsUsedPercent(q) + ") and " + q.sel("node_filesystem_readonly") + " == 0)"
	}),
	reading.FSSize:        plain("node_filesystem_size_bytes", fsLabels...),
	reading.FSFree:        plain("node_filesystem_free_bytes", fsLabels...),
	reading.FSAvail:       plain("node_filesystem_avail_bytes", fsLabels...),
	reading.FSFiles:       plain("node_filesystem_files", fsLabels...),
	reading.FSFilesFree:   plain("node_filesystem_files_free", fsLabels...),
	reading.FSReadOnly:    plain("node_filesystem_readonly", fsLabels...),
	reading.FSError:       plain("node_filesystem_device_error", fsLabels...),
	reading.FSUsedPercent: calc(fsUsedPercent, fsLabels...),

	reading.DiskReadBytes:         rate("node_disk_read_bytes_total", "device"),
	reading.DiskWriteBytes:        rate("node_disk_written_bytes_total", "device"),
	reading.DiskReads:             rate("node_disk_reads_completed_total", "device"),
	reading.DiskWrites:            rate("node_disk_writes_completed_total", "device"),
	reading.DiskBusy:              percentOfTime("node_disk_io_time_seconds_total", "device"),
	reading.DiskReadBytesTotal:    counter("node_disk_read_bytes_total", "device"),
	reading.DiskWrittenBytesTotal: counter("node_disk_written_bytes_total", "device"),
	reading.DiskReadsTotal:        counter("node_disk_reads_completed_total", "device"),
	reading.DiskWritesTotal:       counter("node_disk_writes_completed_total", "device"),
	reading.DiskIOTimeTotal:       counter("node_disk_io_time_seconds_total", "device"),
	reading.DiskReadTimeTotal:     counter("node_disk_read_time_seconds_total", "device"),
	reading.DiskWriteTimeTotal:    counter("node_disk_write_time_seconds_total", "device"),

	// Every interface but loopback, as the network sensor's primary value.
	reading.NetThroughput: calc(func(q query) string {
		return `sum without (device) (rate(` + q.sel("node_network_receive_bytes_total", `device!="lo"`) + `[` + q.w + `])) + sum without (device) (rate(` + q.sel("node_network_transmit_bytes_total", `device!="lo"`) + `[` + q.w + `]))`
	}),
	reading.NetRxBytes:        rate("node_network_receive_bytes_total", "device"),
	reading.NetTxBytes:        rate("node_network_transmit_bytes_total", "device"),
	reading.NetRxPackets:      rate("node_network_receive_packets_total", "device"),
	reading.NetTxPackets:      rate("node_network_transmit_packets_total", "device"),
	reading.NetRxErrors:       rate("node_network_receive_errs_total", "device"),
	reading.NetTxErrors:       rate("node_network_transmit_errs_total", "device"),
	reading.NetRxDrops:        rate("node_network_receive_drop_total", "device"),
	reading.NetTxDrops:        rate("node_network_transmit_drop_total", "device"),
	reading.NetRxBytesTotal:   counter("node_network_receive_bytes_total", "device"),
	reading.NetTxBytesTotal:   counter("node_network_transmit_bytes_total", "device"),
	reading.NetRxPacketsTotal: counter("node_network_receive_packets_total", "device"),
	reading.NetTxPacketsTotal: counter("node_network_transmit_packets_total", "device"),
	reading.NetRxErrsTotal:    counter("node_network_receive_errs_total", "device"),
	reading.NetTxErrsTotal:    counter("node_network_transmit_errs_total", "device"),
	reading.NetRxDropTotal:    counter("node_network_receive_drop_total", "device"),
	reading.NetTxDropTotal:    counter("node_network_transmit_drop_total", "device"),
}

// pressureSeries is PSI, which node_exporter exports only as counters of
// stalled time: a rule must name the resource and kind it watches, and a
// share of time over its window is the counter's rate.
var pressureCounters = map[[2]string]string{
	{"cpu", "some"}:    "node_pressure_cpu_waiting_seconds_total",
	{"cpu", "full"}:    "node_pressure_cpu_stalled_seconds_total",
	{"memory", "some"}: "node_pressure_memory_waiting_seconds_total",
	{"memory", "full"}: "node_pressure_memory_stalled_seconds_total",
	{"io", "some"}:     "node_pressure_io_waiting_seconds_total",
	{"io", "full"}:     "node_pressure_io_stalled_seconds_total",
}

// pressureWindows are PSI's averages and the span each covers.
var pressureWindows = map[string]time.Duration{"avg10": 10 * time.Second, "avg60": time.Minute, "avg300": 5 * time.Minute}

// pressure returns the series of a pressure rule matching match, or why
// it has none.
func pressure(metric string, match []reading.Label, w time.Duration) (series, []reading.Label, error) {
	var resource, kind, window string
	var rest []reading.Label
	for _, l := range match {
		switch l.Name {
		case "resource":
			resource = l.Value
		case "kind":
			kind = l.Value
		case "window":
			window = l.Value
		default:
			rest = append(rest, l)
		}
	}
	name, ok := pressureCounters[[2]string{resource, kind}]
	if !ok {
		return series{}, nil, fmt.Errorf("%s: Prometheus has PSI only as counters, one per resource and kind: match labels resource (cpu, memory, io) and kind (some, full)", metric)
	}
	if metric == reading.PressureStalledSecondsTotal {
		return counter(name), rest, nil
	}
	span := w
	if d, ok := pressureWindows[window]; ok {
		span = max(d, w)
	} else if window != "" {
		return series{}, nil, fmt.Errorf("%s: window %q is not avg10, avg60 or avg300", metric, window)
	}
	r := promDuration(span)
	return calc(func(q query) string { return "100 * rate(" + q.sel(name) + "[" + r + "])" }), rest, nil
}

// lookup returns the series of metric and the rule's matchers it keeps,
// or why the metric cannot be computed in Prometheus.
func lookup(metric string, match []reading.Label, w time.Duration) (series, []reading.Label, error) {
	if metric == reading.Pressure || metric == reading.PressureStalledSecondsTotal {
		return pressure(metric, match, w)
	}
	s, ok := table[metric]
	if !ok {
		return series{}, nil, fmt.Errorf("%s has no counterpart among node_exporter's series: the rule stays on the agent", metric)
	}
	for _, l := range match {
		if !slices.Contains(s.labels, l.Name) {
			return series{}, nil, fmt.Errorf("%s: label %q has no counterpart in Prometheus (labels: %s)", metric, l.Name, strings.Join(s.labels, ", "))
		}
	}
	return s, match, nil
}

// promDuration writes d as PromQL does: whole units, largest first.
func promDuration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if n := d / u.d; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.s)
			d -= n * u.d
		}
	}
	return b.String()
}
