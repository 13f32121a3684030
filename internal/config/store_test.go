package config

import (
	"strconv"
	"testing"
	"time"
)

func TestStoreSection(t *testing.T) {
	t.Parallel()
	day := Retention(24 * time.Hour)
	tests := []sectionCase[Store]{
		{name: "empty", in: "store: {}\n", want: Store{}},
		{name: "all", in: "store:\n  path: /tmp/v.db\n  raw: 12h\n  aggregates: 7d\n  processes: 2d\n  top_processes: 5\n",
			want: Store{Path: "/tmp/v.db", Raw: Retention(12 * time.Hour), Aggregates: 7 * day, Processes: 2 * day, TopProcesses: 5}},
		{name: "processes too short", in: "store:\n  processes: 5m\n", wantErr: "t.yaml:2: store processes: 5m is too short (at least 1h)"},
		{name: "bad duration", in: "store:\n  raw: soon\n", wantErr: "t.yaml:2: "},
		{name: "raw too short", in: "store:\n  raw: 1m\n", wantErr: "t.yaml:2: store raw: 1m is too short (at least 10m)"},
		{name: "agg too short", in: "store:\n  aggregates: 1m\n", wantErr: "t.yaml:2: store aggregates"},
		{name: "agg under raw", in: "store:\n  raw: 2d\n  aggregates: 1d\n", wantErr: "t.yaml:3: store aggregates retention 24h0m0s is shorter than raw"},
		{name: "bad days", in: "store:\n\n  aggregates: xd\n", wantErr: "t.yaml:3: "},
		{name: "bad top", in: "store:\n  top_processes: -1\n", wantErr: "t.yaml:2: store top_processes -1"},
		{name: "unknown key", in: "store:\n  pth: x\n", wantErr: `t.yaml:2: unknown key "pth"`},
		{name: "max size", in: "store:\n  max_size: 500MiB\n", want: Store{MaxSize: 500 << 20}},
		{name: "max size decimal", in: "store:\n  max_size: 1.5 GB\n", want: Store{MaxSize: 1.5e9}},
		{name: "max size no unit", in: "store:\n  raw: 1h\n  max_size: xMiB\n", wantErr: `t.yaml:3: "xMiB" is not a size`},
		{name: "max size too small", in: "store:\n  max_size: 1MiB\n", wantErr: "t.yaml:2: store max_size 1048576 bytes is too small (at least 16 MiB)"},
		{name: "max size list", in: "store:\n  max_size: [1]\n", wantErr: "t.yaml:2: "},
		{name: "blank path", in: "store:\n  path: ' '\n", wantErr: "t.yaml:2: store path is blank"},
	}
	testSection(t, "store", tests, func(c *Config) Store { return c.Store })
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "500MiB", want: 500 << 20},
		{in: "2GiB", want: 2 << 30},
		{in: "300MB", want: 300e6},
		{in: "64 KiB", want: 64 << 10},
		{in: "10kB", want: 10e3},
		{in: "1TiB", want: 1 << 40},
		{in: "1.5GiB", want: 3 << 29},
		{in: "4096", want: 4096},
		{in: "12B", want: 12},
		{in: "", wantErr: true},
		{in: "MiB", wantErr: true},
		{in: "-1MiB", wantErr: true},
		{in: "infMiB", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "0x10MiB", wantErr: true},
		{in: "1_000MB", wantErr: true},
		{in: "9999999TiB", wantErr: true},
		{in: "5 MiBs", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"500MiB", "1.5GB", "0", "12B", "1e3KB", " 7 KiB "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseSize(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("parseSize(%q) = %d, negative", s, v)
		}
		// What a size's bytes print as reads back to the same bytes.
		if w, err := parseSize(strconv.FormatInt(v, 10)); err != nil || w != v {
			t.Fatalf("parseSize(%q) = %d, but %d reads back as %d, %v", s, v, v, w, err)
		}
	})
}
