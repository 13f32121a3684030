package main

import (
	"flag"
	"io"
	"testing"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/node"
)

// TestExcludeFlagsApply: a flag given wins over the config file, the file
// over node_exporter's default (nil), and an empty pattern excludes nothing.
func TestExcludeFlagsApply(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name                   string
		args                   []string
		file                   config.CollectorOptions
		disk, mount, fsType    string // the patterns set; "-" for none (the default)
		diskLoop0, mountDevPts bool   // excluded?
	}{
		{name: "defaults", disk: "-", mount: "-", fsType: "-"},
		{name: "file", file: config.CollectorOptions{DiskExclude: str(`^sd`), MountExclude: str("")},
			disk: `^sd`, mount: `[^\s\S]`, fsType: "-"},
		{name: "flag over file", args: []string{"--disk-exclude", `^loop`, "--fs-type-exclude", "^tmpfs$"},
			file: config.CollectorOptions{DiskExclude: str(`^sd`)}, disk: `^loop`, mount: "-", fsType: "^tmpfs$", diskLoop0: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			x := addExcludeFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			var env node.Env
			if err := x.apply(fs, tt.file, &env); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what, want string
				got        interface{ String() string }
				isNil      bool
			}{
				{"disk", tt.disk, env.DiskExclude, env.DiskExclude == nil},
				{"mount", tt.mount, env.MountExclude, env.MountExclude == nil},
				{"fs type", tt.fsType, env.FSTypeExclude, env.FSTypeExclude == nil},
			} {
				got := "-"
				if !c.isNil {
					got = c.got.String()
				}
				if got != c.want {
					t.Errorf("%s exclusion %q, want %q", c.what, got, c.want)
				}
			}
			if env.DiskExclude != nil && env.DiskExclude.MatchString("loop0") != tt.diskLoop0 {
				t.Errorf("loop0 excluded: %v, want %v", !tt.diskLoop0, tt.diskLoop0)
			}
			if env.MountExclude != nil && env.MountExclude.MatchString("/dev/pts") != tt.mountDevPts {
				t.Errorf("/dev/pts excluded: %v, want %v", !tt.mountDevPts, tt.mountDevPts)
			}
		})
	}
}
