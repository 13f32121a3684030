package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/vigia-dev/vigia/internal/buildinfo"
	"github.com/vigia-dev/vigia/internal/text"
)

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "vigia version — print vigia's version, the commit and commit date it was built from, Go version and platform.\n\nExample:\n  vigia version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	b := build()
	fmt.Fprintf(e.stdout, "vigia %s (%s, %s/%s)\n", b.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	// go run and go test record no commit; a release build always does.
	if c := b.ShortCommit(); c != "" {
		fmt.Fprintln(e.stdout, text.For(text.FromEnv(e.getenv)).BuiltFrom(c, b.Date()))
	}
	return nil
}

// build is this binary's build, as the toolchain recorded it; the version
// constant stands in where it recorded none (go run, go test).
func build() buildinfo.Info { return buildinfo.Read(version) }
