// Package rule holds alert rules and the pure state machine that evaluates
// readings against them. Nothing here reads the clock: time is an argument.
package rule

import (
	"math"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// Kind selects how a rule judges its series.
type Kind string

const (
	// Threshold compares each value with the warning and critical bounds.
	Threshold Kind = "threshold"
	// Trend fits a line over a window and fires when the series is
	// predicted to reach Bound within Within (warning) or CriticalWithin.
	Trend Kind = "trend"
	// Rate compares a series' rate of change per Per with the bounds.
	Rate Kind = "rate"
	// Process judges the process table: a process's CPU or RSS, RSS that
	// keeps growing, or a process that should run and does not.
	Process Kind = "process"
	// Absent fires when a sensor fails or goes stale, or a metric stops
	// appearing, for longer than For.
	Absent Kind = "absent"
)

// ProcessCheck is what a Process rule looks at.
type ProcessCheck string

const (
	// CheckCPU compares a process's CPU % (100 = one core) with the bounds.
	CheckCPU ProcessCheck = "cpu"
	// CheckRSS compares a process's resident memory in bytes with the bounds.
	CheckRSS ProcessCheck = "rss"
	// CheckLeak compares the growth of a process's RSS per Per, fitted over
	// Window, with the bounds, when the growth is steady.
	CheckLeak ProcessCheck = "leak"
	// CheckMissing fires when no process matches.
	CheckMissing ProcessCheck = "missing"
)

// DefaultHysteresis is the share of a threshold a value must come back past
// to lower a status, when a rule does not set Hysteresis.
const DefaultHysteresis = 0.02

// Rule sets levels on a metric, a trend or rate of one, the process table,
// or the silence of a sensor; Kind says which, and which fields apply.
type Rule struct {
	Name string
	// Kind is the rule's kind; empty means Threshold.
	Kind   Kind
	Metric string
	// Match selects series by label value (an empty value matches a series
	// without that label); empty matches every series of the metric.
	Match []reading.Label
	// Warning and Critical are the bounds; NaN leaves that level unused, so
	// a rule may have only one of them.
	Warning, Critical float64
	// Below makes the rule fire when the value falls to or below the bounds
	// (free space) rather than rises to or above them.
	Below bool
	// For is how long a bound must be met before its level is raised; zero
	// raises at once. Lowering never waits: hysteresis keeps it steady.
	For time.Duration
	// Hysteresis is how many points a value must come back past a bound to
	// lower the level: a value flapping around 70 does not flap the status.
	// Nil means DefaultHysteresis of each bound; zero means none.
	Hysteresis *float64

	// Window is the span trend, rate and leak rules fit a line over; zero
	// means the kind's default (DefaultTrendWindow, DefaultRateWindow,
	// DefaultLeakWindow).
	Window time.Duration
	// Within and CriticalWithin are a trend rule's horizons: it raises a
	// warning when the series is predicted to reach Bound within Within,
	// and critical within CriticalWithin. Zero leaves that level unused.
	Within, CriticalWithin time.Duration
	// Bound is the value a trend rule predicts the series reaching; nil
	// means 100 for a percentage and 0 for anything else (free space
	// running out).
	Bound *float64
	// Per is the time unit of a rate or leak rule's bounds (bytes per
	// minute); zero means a second.
	Per time.Duration
	// Sensor is the sensor an absent rule watches when it has no Metric.
	Sensor string
	// Check, Comm and Cmdline make a process rule: what it checks, and
	// which processes — by exact comm (the kernel keeps 15 bytes), by a
	// regular expression on the command line, or both.
	Check   ProcessCheck
	Comm    string
	Cmdline string
	// Severity is the level absent and missing-process rules raise;
	// Unknown means Critical.
	Severity reading.Status
}

// Default windows of the kinds that fit a line over one.
const (
	DefaultTrendWindow = time.Hour
	DefaultRateWindow  = time.Minute
	DefaultLeakWindow  = time.Hour
)

// Defaults returns the rules of the original design: warning at 70 and
// critical at 90 on each sensor's primary metric, and on every filesystem.
func Defaults() []Rule {
	mk := func(name, metric string) Rule {
		return Rule{Name: name, Kind: Threshold, Metric: metric, Warning: 70, Critical: 90}
	}
	return []Rule{
		mk("cpu_high", reading.CPUUsage),
		mk("memory_high", reading.MemUsedPercent),
		mk("load_high", reading.LoadPercent),
		mk("temperature_high", reading.TempMax), // °C
		mk("disk_full", reading.DiskUsedPercent),
		mk("filesystem_full", reading.FSUsedPercent),
	}
}

// Matches reports whether m is a series of this rule.
func (r *Rule) Matches(m *reading.Metric) bool {
	if m.Name != r.Metric {
		return false
	}
	for _, want := range r.Match {
		if m.Label(want.Name) != want.Value {
			return false
		}
	}
	return true
}

// bound returns the threshold of a level (Warning or Critical).
func (r *Rule) bound(level reading.Status) float64 {
	if level == reading.Critical {
		return r.Critical
	}
	return r.Warning
}

// boundLeft returns, for a transition down from level from to level to, the
// level whose bound was crossed (the lowest one left behind) and that bound.
func (r *Rule) boundLeft(from, to reading.Status) (reading.Status, float64) {
	left := to + 1
	if math.IsNaN(r.bound(left)) {
		left = from
	}
	return left, r.bound(left)
}

// hysteresis returns how far past bound b a value must come back.
func (r *Rule) hysteresis(b float64) float64 {
	if r.Hysteresis != nil {
		return *r.Hysteresis
	}
	return math.Abs(b) * DefaultHysteresis
}

// meets reports whether v reaches bound b (an unused NaN bound is never met).
func (r *Rule) meets(v, b float64) bool {
	if r.Below {
		return v <= b
	}
	return v >= b
}

// holds reports whether v is still close enough to bound b to keep its level.
func (r *Rule) holds(v, b float64) bool {
	h := r.hysteresis(b)
	if r.Below {
		return v <= b+h
	}
	return v >= b-h
}

// formatValue writes a value with its unit the way messages show it.
func formatValue(v float64, unit reading.Unit) string { return text.FormatValue(v, unit) }
