// Package reading is vigia's shared vocabulary: a Reading is one sample of one
// sensor, its metrics, and after analysis its status and alert transitions.
// It imports only the standard library and is imported by every other package.
package reading

import (
	"math"
	"time"
)

// Kind tells a gauge, which goes up and down, from a counter, which only grows
// until the kernel resets it. Exporters need it; rules and displays rarely do.
type Kind uint8

const (
	Gauge Kind = iota
	Counter
	// Untyped is Prometheus' "untyped": node_exporter exports /proc/vmstat
	// and a few others so, and dashboards written for it expect that.
	Untyped
)

// Unit is the unit of a metric's value, written as it is shown to users.
type Unit string

const (
	None           Unit = ""
	Percent        Unit = "%"
	Bytes          Unit = "B"
	BytesPerSecond Unit = "B/s"
	PerSecond      Unit = "/s"
	Celsius        Unit = "°C"
	RPM            Unit = "rpm"
	Seconds        Unit = "s"
)

// Label is one name=value pair that tells series of one metric apart
// (cpu="3", mountpoint="/home").
type Label struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Metric is one named value of a reading. Labels are sorted by name so two
// series compare equal when their labels do.
type Metric struct {
	Name   string  `json:"name"`
	Labels []Label `json:"labels,omitempty"`
	Value  float64 `json:"value"`
	Unit   Unit    `json:"unit,omitempty"`
	Kind   Kind    `json:"-"`
}

// Label returns the value of the named label, or "" when it has none.
func (m Metric) Label(name string) string { return Labels(m.Labels).Value(name) }

// Reading is one sample of one sensor. It is a value: once sent into the
// engine nobody mutates it, so it is safe to share between goroutines.
type Reading struct {
	Sensor string    `json:"sensor"`
	Time   time.Time `json:"time"`
	// Primary names the metric (without labels) that stands for the whole
	// reading: the bar of `watch`, the default rule's target. Empty when the
	// reading has none (a machine without temperature sensors).
	Primary string   `json:"primary,omitempty"`
	Metrics []Metric `json:"metrics"`
	// Processes is the process table; only the procs sensor fills it.
	Processes []Process `json:"processes,omitempty"`
	// Events are what the sensor saw happen since its previous reading.
	Events []Event `json:"events,omitempty"`
	// Exits are the processes that exited since the sensor's previous
	// reading; only the processes sensor fills it, and only on Linux.
	Exits *Exits `json:"exits,omitempty"`
	// Note is a state worth saying once: a code of notes.go, such as
	// NoTemperatureSensors, that internal/text words, or a sensor's own text.
	Note string `json:"note,omitempty"`
	// Err is set on a reading the engine makes for a sensor that failed or
	// went stale; such a reading has no metrics.
	Err string `json:"error,omitempty"`

	Status      Status       `json:"status"`
	Transitions []Transition `json:"transitions,omitempty"`
}

// Value returns the unlabelled metric called name, and whether there is one.
func (r *Reading) Value(name string) (float64, bool) {
	for i := range r.Metrics {
		if r.Metrics[i].Name == name && len(r.Metrics[i].Labels) == 0 {
			return r.Metrics[i].Value, true
		}
	}
	return math.NaN(), false
}

// PrimaryMetric returns the reading's primary metric, and false when it has
// none.
func (r *Reading) PrimaryMetric() (Metric, bool) {
	if r.Primary == "" {
		return Metric{}, false
	}
	for _, m := range r.Metrics {
		if m.Name == r.Primary && len(m.Labels) == 0 {
			return m, true
		}
	}
	return Metric{}, false
}

// Process is one row of the task-manager table.
type Process struct {
	PID        int32   `json:"pid"`
	PPID       int32   `json:"ppid"`
	UID        uint32  `json:"uid"`
	User       string  `json:"user"`
	State      string  `json:"state"` // one letter, as /proc/PID/stat has it: R S D Z T t X I
	Comm       string  `json:"comm"`
	Cmdline    string  `json:"cmdline"`          // arguments joined by spaces; "[comm]" for kernel threads
	Cgroup     string  `json:"cgroup,omitempty"` // cgroup v2 path, read when the process starts or execs
	CPUPercent float64 `json:"cpu_percent"`      // 100 = one core busy
	CPUTime    float64 `json:"cpu_seconds"`      // user+system since start
	// ChildrenCPUPercent and ChildrenCPUTime are the CPU of children that
	// exited and were waited for (cutime+cstime): work a shell's short jobs
	// did, which no row of the table lives long enough to show.
	ChildrenCPUPercent float64   `json:"children_cpu_percent"`
	ChildrenCPUTime    float64   `json:"children_cpu_seconds"`
	RSS                uint64    `json:"rss_bytes"`
	MemPercent         float64   `json:"mem_percent"`
	Threads            int32     `json:"threads"`
	Start              time.Time `json:"start_time"`
	// ReadRate and WriteRate are the bytes per second the process read
	// from and wrote to storage (/proc/PID/io read_bytes, write_bytes),
	// 0 where not measured.
	ReadRate  float64 `json:"io_read_bytes_per_second,omitempty"`
	WriteRate float64 `json:"io_write_bytes_per_second,omitempty"`
	// IOUnknown says the rates are not known, not 0: another user's
	// process read without privilege, or a process first seen this pass
	// whose io has no earlier sample to compare with.
	IOUnknown bool `json:"io_unknown,omitempty"`
}

// ProcessDetail is what the detail view and the API show of one process,
// read on demand: the table row plus what is too costly to read every pass.
// Fields the caller may not read (another user's cwd) are left empty and
// named in Unreadable.
type ProcessDetail struct {
	Process
	Exe        string   `json:"exe,omitempty"`
	Cwd        string   `json:"cwd,omitempty"`
	Nice       int32    `json:"nice"`
	OpenFiles  int      `json:"open_files"`
	ReadBytes  uint64   `json:"io_read_bytes"`
	WriteBytes uint64   `json:"io_write_bytes"`
	VMSize     uint64   `json:"vm_size_bytes"`
	Unreadable []string `json:"unreadable,omitempty"`
}

// NetRates returns the bytes per second received and sent over every
// interface but loopback, whose traffic never leaves the machine (the same
// rule as NetThroughput).
func (r *Reading) NetRates() (rx, tx float64) {
	for _, m := range r.Metrics {
		if m.Label("device") == "lo" {
			continue
		}
		switch m.Name {
		case NetRxBytes:
			rx += m.Value
		case NetTxBytes:
			tx += m.Value
		}
	}
	return rx, tx
}
