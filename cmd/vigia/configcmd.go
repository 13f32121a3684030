package main

import (
	"context"
	"fmt"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/text"
)

const configHelp = `
vigia config check — validate a config file and name the line of each error.

Usage:
  vigia config check FILE

Exit status 0 when the file is valid, 2 when it is not (every error is
listed as FILE:LINE: message). Notifiers are checked against this machine
too: exec commands must exist, secrets in env or files must be readable.
examples/vigia.yaml documents every setting.

Examples:
  vigia config check examples/vigia.yaml
  vigia config check ~/.config/vigia/vigia.yaml
`

func runConfig(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "config", configHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "check" {
		return usagef("usage: vigia config check FILE")
	}
	path := fs.Arg(1)
	// The file, and what it names on this machine (commands to run,
	// secrets to read), with every error of both at once.
	cfg, err := config.CheckFile(path)
	if err != nil {
		return &usageError{err: err}
	}
	t := text.For(text.FromEnv(e.getenv))
	fmt.Fprintln(e.stdout, t.ConfigOK(path, len(cfg.Rules), len(cfg.Notifiers)))
	return nil
}
