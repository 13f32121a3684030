package main

import (
	"context"

	"github.com/vigia-dev/vigia/internal/text"
)

func runMan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "man", text.For(text.FromEnv(e.getenv)).ManHelp())
	lang := fs.String("lang", "", "language of the page's own words, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_ = lang
	return nil
}
