package reading

import (
	"fmt"
	"time"
)

// Status is the level rules give a reading. Its order matters: a higher
// status is worse, so max() of statuses is the worst.
type Status uint8

const (
	Unknown Status = iota // not analysed, or analysis overran its deadline
	Normal
	Warning
	Critical
)

var statusNames = [...]string{"unknown", "normal", "warning", "critical"}

// String returns the lower-case English name used in JSON and config files;
// user-facing words come from package text.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// MarshalText writes the status as its name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if string(b) == n {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q (want one of normal, warning, critical, unknown)", b)
}

// Transition is an alert changing level: raised (from normal), escalated,
// lowered, or resolved (back to normal).
type Transition struct {
	Rule   string  `json:"rule"`
	Sensor string  `json:"sensor"`
	Metric string  `json:"metric"`
	Labels []Label `json:"labels,omitempty"`
	From   Status  `json:"from"`
	To     Status  `json:"to"`
	Value  float64 `json:"value"`
	// Threshold is the bound that was crossed for the new level.
	Threshold float64   `json:"threshold"`
	Time      time.Time `json:"time"`
	// Since is when the alert first left normal; equal to Time when raised.
	Since time.Time `json:"since"`
	// Message is the transition in English words, for payloads and the
	// history; Fact, when set, is what it says, for words in any language.
	Message string `json:"message,omitempty"`
	Fact    *Fact  `json:"-"`
}

// Fact is what a rule says of a transition, as facts rather than words:
// internal/text puts them in each language. Shape says which fields hold.
type Fact struct {
	Shape Shape
	Unit  Unit
	// Below is set on a rule that fires on low values.
	Below bool
	// For is how long the bound was met before the level was raised.
	For time.Duration
	// Left is, lowering, the level whose bound was crossed.
	Left Status
	// Gone is set when the series is no longer reported; of a process,
	// when it has exited, or (with Exec) no longer runs what was matched.
	Gone bool
	Exec bool
	// Retired is set when the rule itself left the config (a reload): the
	// series is no longer judged, whatever its value.
	Retired bool
	// Slope is a trend's change per hour; ETA how far ahead, and At when,
	// it is predicted to reach the bound (Threshold); Horizon the horizon
	// of the level raised, or, lowering, of the level above.
	Slope   float64
	ETA     time.Duration
	At      time.Time
	Horizon time.Duration
	// Per is a rate's (or leak's) unit of time; Window what a rate is
	// judged over.
	Per    time.Duration
	Window time.Duration
	// First and Last are a leaking process's RSS at either end of Span,
	// the time its growth was fitted over; Span is 0 when nothing was.
	First, Last float64
	Span        time.Duration
	// PID is, back from missing, the lowest PID of the processes matched.
	PID int32
	// Silent is how long an absent rule's series or sensor said nothing;
	// Err is the sensor's last error.
	Silent time.Duration
	Err    string
}

// Shape is the kind of rule a Fact comes from, so the words that fit it.
// Labels name what process rules watch: comm and pid, or (missing) comm
// and cmdline.
type Shape uint8

const (
	// ShapeThreshold: Value against Threshold.
	ShapeThreshold Shape = iota
	// ShapeTrend: Value predicted to reach Threshold.
	ShapeTrend
	// ShapeRate: Value is the change per Per, Threshold its bound.
	ShapeRate
	// ShapeProcessCPU and ShapeProcessRSS: one process's CPU use and
	// resident memory.
	ShapeProcessCPU
	ShapeProcessRSS
	// ShapeLeak: Value is one process's RSS growth per Per.
	ShapeLeak
	// ShapeMissing: no process matches; back, Value of them run.
	ShapeMissing
	// ShapeAbsent: a series (Metric) or a sensor (Sensor) said nothing.
	ShapeAbsent
)

// Resolved reports whether the transition ends an alert.
func (t Transition) Resolved() bool { return t.To == Normal && t.From > Normal }

// Health is what the engine says of itself: the self-watch that `watch`,
// `top` and `serve` show and export. Outputs take it through a func() so they
// never import the engine.
type Health struct {
	Started          time.Time `json:"started"`
	Readings         uint64    `json:"readings"`
	QueueLen         int       `json:"queue_len"`
	QueueCap         int       `json:"queue_cap"`
	QueueDropped     uint64    `json:"queue_dropped"`
	AnalysisOverruns uint64    `json:"analysis_overruns"`
	// AnalysisLatency is how long analyses took, as a histogram.
	AnalysisLatency LatencyHistogram `json:"analysis_latency"`
	Sensors         []SensorHealth   `json:"sensors"`
	Outputs         []OutputHealth   `json:"outputs"`
	// Notifiers and Store are filled by main, which owns those outputs;
	// the engine leaves them empty. Store is nil when nothing records.
	Notifiers []NotifierHealth `json:"notifiers,omitempty"`
	Store     *StoreHealth     `json:"store,omitempty"`
}

// StoreHealth is the history store's state: whether writes reach the disk,
// and what waits or was lost while they do not.
type StoreHealth struct {
	Backlog      int       `json:"backlog"`
	BacklogBytes int       `json:"backlog_bytes"`
	Dropped      uint64    `json:"dropped"`
	Written      uint64    `json:"written"`
	Err          string    `json:"error,omitempty"`
	ErrSince     time.Time `json:"error_since,omitzero"`
	// SizeBytes is the bytes of the database's pages in use, MaxSizeBytes
	// its budget, Evicted the rows deleted to keep within it.
	SizeBytes    int64  `json:"size_bytes"`
	MaxSizeBytes int64  `json:"max_size_bytes"`
	Evicted      uint64 `json:"evicted_rows"`
}

// SensorHealth is one sensor's state as the supervisor sees it.
type SensorHealth struct {
	Name         string        `json:"name"`
	Interval     time.Duration `json:"interval_ns"`
	LastRead     time.Time     `json:"last_read"`
	LastDuration time.Duration `json:"last_duration_ns"`
	Stale        bool          `json:"stale"`
	Restarts     uint64        `json:"restarts"`
	Failures     uint64        `json:"failures"`
	LastError    string        `json:"last_error,omitempty"`
}

// OutputHealth is one subscriber's buffer state.
type OutputHealth struct {
	Name     string `json:"name"`
	Buffered int    `json:"buffered"`
	Dropped  uint64 `json:"dropped"`
}

// LatencyHistogram is a histogram of durations with cumulative buckets, as
// Prometheus exposes them.
type LatencyHistogram struct {
	Count      uint64          `json:"count"`
	SumSeconds float64         `json:"sum_seconds"`
	Buckets    []LatencyBucket `json:"buckets"`
}

// LatencyBucket counts the observations at or under UpperBound seconds.
type LatencyBucket struct {
	UpperBound float64 `json:"le"`
	Count      uint64  `json:"count"`
}
