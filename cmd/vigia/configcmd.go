package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

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
	cfg, err := config.Load(path)
	if err != nil {
		return &usageError{err: err}
	}
	// The file is valid; now what it names must exist on this machine:
	// commands to run, secrets to read.
	if err := config.CheckNotifiers(cfg.Notifiers); err != nil {
		return &usageError{err: atLine(path, err)}
	}
	t := text.For(text.FromEnv(e.getenv))
	fmt.Fprintln(e.stdout, t.ConfigOK(path, len(cfg.Rules), len(cfg.Notifiers)))
	return nil
}

var lineRef = regexp.MustCompile(`^(.*?)line (\d+): `)

// atLine writes a machine check's error as FILE:LINE: message, the form
// every other config error has, moving the line the check names to the
// front of each of its lines.
func atLine(path string, err error) error {
	var out []string
	for _, msg := range strings.Split(err.Error(), "\n") {
		if m := lineRef.FindStringSubmatch(msg); m != nil {
			out = append(out, path+":"+m[2]+": "+m[1]+msg[len(m[0]):])
		} else {
			out = append(out, path+": "+msg)
		}
	}
	return errors.New(strings.Join(out, "\n"))
}
