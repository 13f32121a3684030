package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Range is the half-open interval [From, To).
type Range struct {
	From, To time.Time
}

const timeForms = "a duration ago (2h, 90m, 3d), an RFC 3339 time (2026-11-28T03:00:00Z), YYYY-MM-DD HH:MM, HH:MM today, or now"

// ParseTime reads a point in time as a user writes it, relative to now: a
// duration ago ("2h", "1d12h"), RFC 3339 ("2026-11-28T03:00:00+01:00"),
// "2026-11-28 03:00[:05]", a date (midnight), "HH:MM[:SS]" today, or "now".
// Times without a zone are in now's location.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty time: want " + timeForms)
	}
	if s == "now" {
		return now, nil
	}
	if d, err := parseAgo(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	loc := now.Location()
	for _, f := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(f, s, loc); err == nil {
			return t, nil
		}
	}
	for _, f := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(f, s, loc); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want %s", s, timeForms)
}

// parseAgo reads a Go duration that may start with whole days ("3d",
// "1d12h").
func parseAgo(s string) (time.Duration, error) {
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || fmt.Sprint(n) != s[:i] || n < 0 || n > 36500 {
			return 0, errors.New("bad days")
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || s[0] == '-' || s[0] == '+' {
		return 0, errors.New("bad duration")
	}
	return days + d, nil
}

// ParseRange reads --since, or --from and --to (either may be empty: from
// defaults to an hour before to, to defaults to now). since and from/to
// exclude each other.
func ParseRange(since, from, to string, now time.Time) (Range, error) {
	if since != "" && (from != "" || to != "") {
		return Range{}, errors.New("--since cannot be combined with --from or --to")
	}
	if since != "" {
		d, err := parseAgo(strings.TrimSpace(since))
		if err != nil || d == 0 {
			return Range{}, fmt.Errorf("--since %q: want a duration such as 2h, 30m or 7d", since)
		}
		return Range{From: now.Add(-d), To: now}, nil
	}
	r := Range{To: now}
	if to != "" {
		t, err := ParseTime(to, now)
		if err != nil {
			return Range{}, fmt.Errorf("--to: %w", err)
		}
		r.To = t
	}
	r.From = r.To.Add(-time.Hour)
	if from != "" {
		t, err := ParseTime(from, now)
		if err != nil {
			return Range{}, fmt.Errorf("--from: %w", err)
		}
		r.From = t
	}
	if !r.From.Before(r.To) {
		return Range{}, fmt.Errorf("--from %s is not before --to %s", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	return r, nil
}
