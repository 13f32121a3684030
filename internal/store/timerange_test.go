package store

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("X", 3600)
	now := time.Date(2026, 11, 28, 14, 30, 0, 0, loc)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "now", want: now},
		{in: "2h", want: now.Add(-2 * time.Hour)},
		{in: "90m", want: now.Add(-90 * time.Minute)},
		{in: "3d", want: now.Add(-72 * time.Hour)},
		{in: "1d12h", want: now.Add(-36 * time.Hour)},
		{in: "2026-11-28T03:00:00Z", want: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)},
		{in: "2026-11-28T03:00:00+01:00", want: time.Date(2026, 11, 28, 3, 0, 0, 0, loc)},
		{in: "2026-11-27 23:15", want: time.Date(2026, 11, 27, 23, 15, 0, 0, loc)},
		{in: "2026-11-27", want: time.Date(2026, 11, 27, 0, 0, 0, 0, loc)},
		{in: "03:00", want: time.Date(2026, 11, 28, 3, 0, 0, 0, loc)},
		{in: " 03:00:10 ", want: time.Date(2026, 11, 28, 3, 0, 10, 0, loc)},
		{in: "", wantErr: true},
		{in: "25:00", wantErr: true},
		{in: "-2h", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "d", wantErr: true},
		{in: "xd2h", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, now)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "want") {
				t.Errorf("ParseTime(%q) = %v, %v; want an error saying what is wanted", tt.in, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		name            string
		since, from, to string
		want            Range
		wantErr         string
	}{
		{name: "default", want: Range{now.Add(-time.Hour), now}},
		{name: "since", since: "24h", want: Range{now.Add(-24 * time.Hour), now}},
		{name: "from", from: "03:00", want: Range{time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), now}},
		{name: "from to", from: "03:00", to: "04:00", want: Range{time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)}},
		{name: "to only", to: "2h", want: Range{now.Add(-3 * time.Hour), now.Add(-2 * time.Hour)}},
		{name: "both", since: "2h", from: "1h", wantErr: "cannot be combined"},
		{name: "bad since", since: "03:00", wantErr: `--since "03:00"`},
		{name: "zero since", since: "0s", wantErr: "--since"},
		{name: "bad from", from: "x", wantErr: `--from: "x" is not a time`},
		{name: "reversed", from: "04:00", to: "03:00", wantErr: "is not before"},
	}
	for _, tt := range tests {
		got, err := ParseRange(tt.since, tt.from, tt.to, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: ParseRange error = %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ParseRange: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: ParseRange mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2h", "1d12h", "03:00", "2026-11-28T03:00:00Z", "2026-11-27 23:15", "now", "99999999d"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 14, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseTime(s, now); err != nil && !strings.Contains(err.Error(), "want") {
			t.Errorf("ParseTime(%q) error %q does not say what is wanted", s, err)
		}
		ParseRange(s, "", "", now)
		ParseRange("", s, s, now)
	})
}
