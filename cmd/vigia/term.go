package main

import (
	"os"

	"github.com/mattn/go-isatty"
)

func isTerminal(f *os.File) bool { return isatty.IsTerminal(f.Fd()) }

// wantColor is the rule every output follows: colour only on a terminal, and
// never when NO_COLOR is set (https://no-color.org).
func wantColor(e *env) bool {
	return e.interactive && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}
