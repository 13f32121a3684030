package config

import (
	"fmt"
	"strings"
	"time"
)

// Limits is the range a duration setting may take, in the config file and
// on the command line alike: past the maximum a value is a typo (2000000h
// for 2000ms) that would otherwise overflow the arithmetic of whatever uses
// it, and below the minimum it would spin.
type Limits struct {
	Min, Max time.Duration
	// Zero allows 0 written out, where 0 has a meaning: a for: of 0 raises
	// at once, a repeat_interval of 0 never repeats. Elsewhere 0 is a
	// mistake (an interval of 0s) and is refused like any short value.
	Zero bool
}

const day = 24 * time.Hour

// The limits of each kind of duration; examples/vigia.yaml and the docs
// state them.
var (
	// LimitsInterval bounds how often a sensor samples.
	LimitsInterval = Limits{Min: 100 * time.Millisecond, Max: day}
	// LimitsTimeout bounds a sensor's read, an analysis, a notifier's
	// attempt and a notifier's backoff.
	LimitsTimeout = Limits{Min: time.Millisecond, Max: time.Hour}
	// LimitsServerTimeout bounds each phase of an HTTP request.
	LimitsServerTimeout = Limits{Min: 100 * time.Millisecond, Max: time.Hour}
	// LimitsGroupWait and LimitsGroupInterval bound a notifier's grouping;
	// 0 sends at once.
	LimitsGroupWait     = Limits{Max: time.Hour, Zero: true}
	LimitsGroupInterval = Limits{Max: day, Zero: true}
	// LimitsRepeat bounds a notifier's reminders; 0 never repeats.
	LimitsRepeat = Limits{Max: 30 * day, Zero: true}
	// LimitsFor bounds how long a rule's condition must hold; 0 raises at
	// once.
	LimitsFor = Limits{Max: 7 * day, Zero: true}
	// LimitsWindow and LimitsPer bound the span a rule looks back over and
	// the unit of a rate; 0 takes the kind's default.
	LimitsWindow = Limits{Min: time.Second, Max: 7 * day, Zero: true}
	LimitsPer    = Limits{Min: time.Second, Max: 7 * day, Zero: true}
	// LimitsWithin bounds how far ahead a trend rule looks.
	LimitsWithin = Limits{Min: time.Minute, Max: 365 * day, Zero: true}
	// LimitsRawRetention and LimitsRetention bound how long the history
	// keeps readings and aggregates (ten years at most).
	LimitsRawRetention = Limits{Min: 10 * time.Minute, Max: 3650 * day}
	LimitsRetention    = Limits{Min: time.Hour, Max: 3650 * day}
)

// Check says what is wrong with d, as "2000000h is too long (at most
// 24h)"; the caller puts the key or flag before it.
func (l Limits) Check(d time.Duration) error {
	switch {
	case d == 0 && l.Zero:
		return nil
	case d < 0:
		return fmt.Errorf("%s is negative", FormatDuration(d))
	case d < l.Min || d == 0:
		return fmt.Errorf("%s is too short (at least %s)", FormatDuration(d), FormatDuration(l.Min))
	case d > l.Max:
		return fmt.Errorf("%s is too long (at most %s)", FormatDuration(d), FormatDuration(l.Max))
	}
	return nil
}

// ParseDuration reads a duration as a user writes it, in a flag or the
// file; its error reads the same in both. Limits.Check then says whether
// the setting takes it.
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, notDuration(s)
	}
	return d, nil
}

func notDuration(s string) error {
	return fmt.Errorf("%q is not a duration (write it like 30s, 5m or 4h)", s)
}

// FormatDuration writes d as a user would: 24h, 1h30m, 1.5s, not 24h0m0s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// duration checks a duration of the file at path against l; what names it
// in the message ("interval", "rule 2: for"). A key left out is not checked
// (its default applies), but one written as 0 is, like any other value. A
// rule given by a flag has no file: there, 0 is taken as left out.
func (v *Validator) duration(path []any, what string, d time.Duration, l Limits) {
	if d == 0 && (v.root == nil || !v.has(path...)) {
		return
	}
	if err := l.Check(d); err != nil {
		v.Errorf(path, "%s: %v", what, err)
	}
}
