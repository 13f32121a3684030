package buildinfo

import (
	"runtime/debug"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	when := time.Date(2026, 12, 2, 5, 44, 10, 0, time.UTC)
	tests := []struct {
		name string
		in   debug.BuildInfo
		want Info
	}{
		{
			name: "tagged release",
			in: debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.2.0"},
				Settings: vcs("vcs", "git", "vcs.revision", "3175d29c1e2b4f7a9d0e8c6b5a4f3e2d1c0b9a88", "vcs.time", "2026-12-02T05:44:10Z", "vcs.modified", "false")},
			want: Info{Version: "0.2.0", Commit: "3175d29c1e2b4f7a9d0e8c6b5a4f3e2d1c0b9a88", Time: when, GoVersion: "go1.26.8"},
		},
		{
			name: "after a tag, edited tree",
			in: debug.BuildInfo{Main: debug.Module{Version: "v0.2.1-0.20261202054410-3175d29c1e2b+dirty"},
				Settings: vcs("vcs.revision", "3175d29c1e2b4f7a", "vcs.time", "2026-12-02T06:44:10+01:00", "vcs.modified", "true")},
			want: Info{Version: "0.2.1-0.20261202054410-3175d29c1e2b+dirty", Commit: "3175d29c1e2b4f7a", Time: when, Modified: true},
		},
		{
			name: "go test or go run: no version, no vcs",
			in:   debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "0.1.0", GoVersion: "go1.26.8"},
		},
		{
			name: "unparsable time left out",
			in:   debug.BuildInfo{Settings: vcs("vcs.revision", "abc", "vcs.time", "yesterday")},
			want: Info{Version: "0.1.0", Commit: "abc"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := parse(&tt.in, "0.1.0")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShortCommitAndDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in              Info
		short, wantDate string
	}{
		{Info{Commit: "3175d29c1e2b4f7a9d0e", Time: time.Date(2026, 12, 2, 5, 44, 10, 0, time.UTC)}, "3175d29c1e2b", "2026-12-02T05:44:10Z"},
		{Info{Commit: "3175d29c1e2b4f7a9d0e", Modified: true}, "3175d29c1e2b+dirty", ""},
		{Info{Modified: true}, "", ""},
	}
	for _, tt := range tests {
		if got := tt.in.ShortCommit(); got != tt.short {
			t.Errorf("%+v.ShortCommit() = %q, want %q", tt.in, got, tt.short)
		}
		if got := tt.in.Date(); got != tt.wantDate {
			t.Errorf("%+v.Date() = %q, want %q", tt.in, got, tt.wantDate)
		}
	}
}
