package config

import (
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
		{name: "blank path", in: "store:\n  path: ' '\n", wantErr: "t.yaml:2: store path is blank"},
	}
	testSection(t, "store", tests, func(c *Config) Store { return c.Store })
}
