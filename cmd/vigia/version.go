package main

import (
	"context"
	"fmt"
	"runtime"
)

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "vigia version — print vigia's version, Go version and platform.\n\nExample:\n  vigia version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "vigia %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
