package main

import (
	"debug/buildinfo"
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// build is what the toolchain recorded in a vigia binary.
type build struct {
	info *debug.BuildInfo
	// version is the module version without its v: a tag (0.2.0) or a
	// pseudo-version after the nearest one.
	version string
	goos    string
	// arch is nfpm's name: amd64, arm64, riscv64, arm7.
	arch   string
	commit string
	// time is the commit's: every file time inside a package, and the
	// changelog's date.
	time time.Time
}

func readBuild(path string) (build, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return build{}, fmt.Errorf("read build information: %w", err)
	}
	b := build{info: bi, version: strings.TrimPrefix(bi.Main.Version, "v")}
	var goarm string
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			b.goos = s.Value
		case "GOARCH":
			b.arch = s.Value
		case "GOARM":
			goarm = s.Value
		case "vcs.revision":
			b.commit = s.Value
		case "vcs.time":
			if b.time, err = time.Parse(time.RFC3339, s.Value); err != nil {
				return build{}, fmt.Errorf("%s: vcs.time: %w", path, err)
			}
		}
	}
	if b.arch == "arm" {
		// GOARM=7 is recorded as 7 (or 7,softfloat); nfpm names it arm7.
		b.arch += strings.SplitN(goarm, ",", 2)[0]
	}
	// A package must say which commit it holds, and when: a binary from
	// go run, or built with -buildvcs=false, cannot be packaged.
	if b.version == "" || b.version == "(devel)" || b.commit == "" || b.time.IsZero() {
		return build{}, fmt.Errorf("%s has no version control information: build it with -buildvcs=true from a git checkout", path)
	}
	return b, nil
}
