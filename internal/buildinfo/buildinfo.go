// Package buildinfo reads what the Go toolchain recorded about a binary's
// build: the module version it derives from the nearest tag, and the commit
// and commit time of the checkout. Nothing is stamped with -ldflags, so two
// builds of one commit are byte-identical and the date is the commit's, not
// the build machine's clock.
package buildinfo

import (
	"runtime/debug"
	"strings"
	"time"
)

// Info is one binary's build.
type Info struct {
	// Version is the tag the commit carries (0.2.0), a pseudo-version
	// after the nearest tag (0.2.1-0.20261202054410-3175d29c1e2b), with
	// +dirty when the tree had edits; or the fallback for builds without
	// version control information (go run, go test, a source tarball).
	Version string
	// Commit is the full revision; empty when unknown.
	Commit string
	// Time is the commit's time in UTC; zero when unknown.
	Time time.Time
	// Modified reports uncommitted edits in the tree that was built.
	Modified bool
	// GoVersion is the toolchain that built the binary.
	GoVersion string
}

// Read returns the running binary's build, with fallback as its version
// when the toolchain recorded none.
func Read(fallback string) Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: fallback}
	}
	return parse(bi, fallback)
}

// parse turns recorded build information into an Info.
func parse(bi *debug.BuildInfo, fallback string) Info {
	in := Info{Version: fallback, GoVersion: bi.GoVersion}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		in.Version = strings.TrimPrefix(v, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			// An unparsable time is left out rather than shown wrong.
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				in.Time = t.UTC()
			}
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// ShortCommit is the commit's first 12 hex digits, as Go's
// pseudo-versions write it, with "+dirty" for a modified tree; empty when
// the commit is unknown.
func (in Info) ShortCommit() string {
	c := in.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if c != "" && in.Modified {
		c += "+dirty"
	}
	return c
}

// Date is the commit's time as RFC 3339 in UTC; empty when unknown.
func (in Info) Date() string {
	if in.Time.IsZero() {
		return ""
	}
	return in.Time.Format(time.RFC3339)
}
