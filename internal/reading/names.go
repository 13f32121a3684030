package reading

import "strings"

// Sensor names. They name readings, select sensors (--sensors) and prefix
// metric names.
const (
	SensorCPU         = "cpu"
	SensorMemory      = "memory"
	SensorLoad        = "load"
	SensorTemperature = "temperature"
	SensorDisk        = "disk"
	SensorNetwork     = "network"
	SensorProcesses   = "processes"
	SensorCgroups     = "cgroups"
	SensorSelf        = "self"
)

// Metric names: the contract between sensors, which emit them, and rules,
// displays and exporters, which read them. Labels are given in brackets; a
// name without brackets is unlabelled. Counters end in _total and are kept
// raw so exporters can publish them with node_exporter's semantics; every
// rate a display needs is computed by the sensor.
const (
	// cpu
	CPUUsage        = "cpu.usage"         // % of all cores busy (100 = every core busy); primary
	CPUMode         = "cpu.mode"          // [mode] % of all cores in user, nice, system, iowait, irq, softirq, steal, idle
	CPUCoreUsage    = "cpu.core.usage"    // [cpu] % of that core busy
	CPUCores        = "cpu.cores"         // number of cores online
	CPUSecondsTotal = "cpu.seconds_total" // [cpu, mode] counter

	// memory
	MemTotal        = "memory.total"        // bytes
	MemAvailable    = "memory.available"    // bytes
	MemUsed         = "memory.used"         // bytes: total − available, as free(1) counts it
	MemFree         = "memory.free"         // bytes
	MemBuffers      = "memory.buffers"      // bytes
	MemCached       = "memory.cached"       // bytes
	MemUsedPercent  = "memory.used_percent" // %; primary
	SwapTotal       = "swap.total"          // bytes
	SwapUsed        = "swap.used"           // bytes
	SwapUsedPercent = "swap.used_percent"   // %
	MemInfo         = "memory.meminfo"      // [field] every /proc/meminfo field in bytes
	SwapIn          = "swap.in_bytes"       // B/s read back from swap: memory too small for what runs
	SwapOut         = "swap.out_bytes"      // B/s written to swap
	MemMajorFaults  = "memory.major_faults" // /s page faults that waited for the disk
	MemVMStat       = "memory.vmstat"       // [field] the /proc/vmstat counters of node_exporter's default set

	// cgroup v2 of vigia itself (present only when a limit is set)
	CgroupMemMax                = "cgroup.memory.max"                  // bytes
	CgroupMemCurrent            = "cgroup.memory.current"              // bytes
	CgroupMemUsedPercent        = "cgroup.memory.used_percent"         // % of memory.max in use, as docker stats counts it: memory.current less inactive page cache
	CgroupOOMKillsTotal         = "cgroup.memory.oom_kills_total"      // counter: processes the OOM killer ended in the limiting cgroup (memory.events oom_kill)
	CgroupCPUQuota              = "cgroup.cpu.quota_cores"             // cores the quota allows (cpu.max quota/period)
	CgroupCPUUsage              = "cgroup.cpu.usage_percent"           // % of the quota in use
	CgroupThrottledTotal        = "cgroup.cpu.nr_throttled_total"      // counter
	CgroupThrottledSecondsTotal = "cgroup.cpu.throttled_seconds_total" // counter
	CgroupPressure              = "cgroup.pressure"                    // [resource, kind=some|full, window=avg10|avg60|avg300] %

	// load
	LoadPercent                 = "load.percent" // 1-minute load per core in % (100 = one runnable task per core); primary
	Load1                       = "load.1"
	Load5                       = "load.5"
	Load15                      = "load.15"
	LoadRunnable                = "load.runnable"                  // tasks runnable now
	LoadTasks                   = "load.tasks"                     // tasks in all
	Pressure                    = "pressure"                       // [resource=cpu|memory|io, kind=some|full, window=avg10|avg60|avg300] %
	PressureStalledSecondsTotal = "pressure.stalled_seconds_total" // [resource, kind] counter

	// temperature
	TempMax       = "temperature.max" // °C, the hottest of all; primary
	HwmonChip     = "hwmon.chip"      // [chip, chip_name] temperature and fan channels read; one per chip, also for a chip of only voltages or currents
	HwmonTemp     = "hwmon.temp"      // [chip, chip_name, sensor, label] °C
	HwmonTempMax  = "hwmon.temp_max"  // [chip, chip_name, sensor, label] °C
	HwmonTempCrit = "hwmon.temp_crit" // [chip, chip_name, sensor, label] °C
	HwmonFan      = "hwmon.fan"       // [chip, chip_name, sensor, label] rpm
	ThermalZone   = "thermal.zone"    // [zone, type] °C

	// disk
	DiskUsedPercent       = "disk.used_percent"             // % of the fullest filesystem; primary
	FSSize                = "fs.size"                       // [device, fstype, mountpoint] bytes
	FSFree                = "fs.free"                       // [device, fstype, mountpoint] bytes
	FSAvail               = "fs.avail"                      // [device, fstype, mountpoint] bytes available to unprivileged users
	FSUsedPercent         = "fs.used_percent"               // [device, fstype, mountpoint] %, as df counts it
	FSFiles               = "fs.files"                      // [device, fstype, mountpoint] inodes
	FSFilesFree           = "fs.files_free"                 // [device, fstype, mountpoint] inodes
	FSReadOnly            = "fs.readonly"                   // [device, fstype, mountpoint] 1 or 0
	FSError               = "fs.error"                      // [device, fstype, mountpoint] FSErrFailed when statfs failed or timed out, FSErrAbsent when the mount point is absent
	DiskReadBytes         = "disk.read_bytes"               // [device] B/s
	DiskWriteBytes        = "disk.write_bytes"              // [device] B/s
	DiskReads             = "disk.reads"                    // [device] operations/s
	DiskWrites            = "disk.writes"                   // [device] operations/s
	DiskBusy              = "disk.busy_percent"             // [device] % of time with I/O in flight
	DiskReadBytesTotal    = "disk.read_bytes_total"         // [device] counter
	DiskWrittenBytesTotal = "disk.written_bytes_total"      // [device] counter
	DiskReadsTotal        = "disk.reads_completed_total"    // [device] counter
	DiskWritesTotal       = "disk.writes_completed_total"   // [device] counter
	DiskIOTimeTotal       = "disk.io_time_seconds_total"    // [device] counter
	DiskReadTimeTotal     = "disk.read_time_seconds_total"  // [device] counter
	DiskWriteTimeTotal    = "disk.write_time_seconds_total" // [device] counter

	// network
	NetThroughput     = "net.throughput"             // B/s received plus sent over all interfaces but lo; primary
	NetRxBytes        = "net.rx_bytes"               // [device] B/s
	NetTxBytes        = "net.tx_bytes"               // [device] B/s
	NetRxPackets      = "net.rx_packets"             // [device] /s
	NetTxPackets      = "net.tx_packets"             // [device] /s
	NetRxErrors       = "net.rx_errors"              // [device] /s
	NetTxErrors       = "net.tx_errors"              // [device] /s
	NetRxDrops        = "net.rx_drops"               // [device] /s
	NetTxDrops        = "net.tx_drops"               // [device] /s
	NetRxBytesTotal   = "net.receive_bytes_total"    // [device] counter
	NetTxBytesTotal   = "net.transmit_bytes_total"   // [device] counter
	NetRxPacketsTotal = "net.receive_packets_total"  // [device] counter
	NetTxPacketsTotal = "net.transmit_packets_total" // [device] counter
	NetRxErrsTotal    = "net.receive_errs_total"     // [device] counter
	NetTxErrsTotal    = "net.transmit_errs_total"    // [device] counter
	NetRxDropTotal    = "net.receive_drop_total"     // [device] counter
	NetTxDropTotal    = "net.transmit_drop_total"    // [device] counter

	// processes
	ProcsCount      = "procs.count"            // processes in all; primary
	ProcsState      = "procs.state"            // [state=running|sleeping|disk_sleep|zombie|stopped|idle|other] processes
	ProcsThreads    = "procs.threads"          // threads in all
	ProcsForks      = "procs.forks_per_second" // /s processes and threads created (/proc/stat processes)
	ProcsForksTotal = "procs.forks_total"      // counter

	// cgroups: every cgroup v2 group on the host. Each is labelled cgroup
	// (its path under the mount, "/system.slice/nginx.service") and, when
	// the path shows them, unit (systemd), container, runtime and pod.
	CgroupsCount                       = "cgroups.count"                          // cgroups walked
	CgroupsOmitted                     = "cgroups.omitted"                        // cgroups walked but left out of the reading by the sensor's cap
	CgroupsCPUUsage                    = "cgroups.cpu.usage_percent"              // [cgroup…] % of one core (100 = one core busy), as for processes
	CgroupsCPUSecondsTotal             = "cgroups.cpu.usage_seconds_total"        // [cgroup…] counter (cpu.stat usage_usec)
	CgroupsThrottledTotal              = "cgroups.cpu.nr_throttled_total"         // [cgroup…] counter: periods the cpu.max quota stopped the group
	CgroupsThrottledSecondsTotal       = "cgroups.cpu.throttled_seconds_total"    // [cgroup…] counter
	CgroupsMemCurrent                  = "cgroups.memory.current"                 // [cgroup…] bytes
	CgroupsMemWorkingSet               = "cgroups.memory.working_set"             // [cgroup…] bytes: memory.current less inactive page cache, as the kubelet counts it
	CgroupsMemMax                      = "cgroups.memory.max"                     // [cgroup…] bytes; only for a group with a limit
	CgroupsMemUsedPercent              = "cgroups.memory.used_percent"            // [cgroup…] % of memory.max in the working set; only for a group with a limit
	CgroupsMemEventsTotal              = "cgroups.memory.events_total"            // [cgroup…, event=high|max|oom] counter (memory.events)
	CgroupsOOMKillsTotal               = "cgroups.memory.oom_kills_total"         // [cgroup…] counter: processes the OOM killer ended in the group
	CgroupsPids                        = "cgroups.pids.current"                   // [cgroup…] tasks
	CgroupsIOReadBytesTotal            = "cgroups.io.read_bytes_total"            // [cgroup…] counter, all devices of io.stat
	CgroupsIOWrittenBytesTotal         = "cgroups.io.written_bytes_total"         // [cgroup…] counter, all devices of io.stat
	CgroupsIOReadRate                  = "cgroups.io.read_bytes_per_second"       // [cgroup…] between the two last reads of io.stat
	CgroupsIOWriteRate                 = "cgroups.io.written_bytes_per_second"    // [cgroup…] between the two last reads of io.stat
	CgroupsPressure                    = "cgroups.pressure"                       // [cgroup…, resource, kind, window] %
	CgroupsPressureStalledSecondsTotal = "cgroups.pressure.stalled_seconds_total" // [cgroup…, resource, kind] counter

	// self
	SelfCPU         = "self.cpu_percent" // % of one core vigia uses; primary
	SelfRSS         = "self.rss"         // bytes
	SelfGoroutines  = "self.goroutines"
	SelfReadSeconds = "self.read_seconds" // [sensor] last read's duration
	SelfQueueLen    = "self.queue_len"
	SelfDropped     = "self.dropped_total" // counter: readings dropped by the queue and all outputs
)

// sensorPrefixes gives, for every sensor, the prefixes of the metric names
// it emits; Sensors, IsSensor and SensorOf all read it.
var sensorPrefixes = []struct {
	sensor   string
	prefixes []string
}{
	{SensorCPU, []string{"cpu"}},
	{SensorMemory, []string{"memory", "swap", "cgroup"}},
	{SensorLoad, []string{"load", "pressure"}},
	{SensorTemperature, []string{"temperature", "hwmon", "thermal"}},
	{SensorDisk, []string{"disk", "fs"}},
	{SensorNetwork, []string{"net"}},
	{SensorProcesses, []string{"procs"}},
	{SensorCgroups, []string{"cgroups"}},
	{SensorSelf, []string{"self"}},
}

// Sensors lists every sensor in display order, the engine's own (self)
// last.
var Sensors = func() []string {
	out := make([]string, len(sensorPrefixes))
	for i, s := range sensorPrefixes {
		out[i] = s.sensor
	}
	return out
}()

// IsSensor reports whether name is a sensor vigia has.
func IsSensor(name string) bool {
	for _, s := range sensorPrefixes {
		if s.sensor == name {
			return true
		}
	}
	return false
}

// SensorOf returns the sensor that emits the metric, from the metric name's
// prefix, or "" when the name is not vigia's.
func SensorOf(metric string) string {
	prefix, _, _ := strings.Cut(metric, ".")
	for _, s := range sensorPrefixes {
		for _, p := range s.prefixes {
			if p == prefix {
				return s.sensor
			}
		}
	}
	return ""
}

// The values of FSError besides 0: a statfs that failed or did not answer
// (a hung network mount), and a mount point that is not there (ENOENT: a
// host's mount not visible under --rootfs), which is no fault of the mount.
const (
	FSErrFailed float64 = 1
	FSErrAbsent float64 = 2
)
