package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/notify"
)

const alertHelp = `
vigia alert test — send a test alert through the notifiers of the config
file (its notifiers: list) and report each one's result.

Usage:
  vigia alert test [--config FILE] [--notifier NAME] [--timeout D]

The test alert (rule vigia_test, severity warning) goes out at once, without
grouping; Alertmanager receives it with an end five minutes ahead, so it
clears by itself. The log notifier is always there and writes it to stderr.
Exit status 0 when every notifier delivered, 1 when one failed, 2 for a bad
config file or an unknown notifier. docs/alerts.md describes the notifiers.

Examples:
  vigia alert test
  vigia alert test --notifier ops-webhook
  vigia alert test --config /etc/vigia/vigia.yaml --timeout 10s
`

func runAlert(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "alert", alertHelp)
	configPath := fs.String("config", "", "config `file` (default $XDG_CONFIG_HOME/vigia/vigia.yaml when it exists)")
	lang := fs.String("lang", "", "language of messages, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	name := fs.String("notifier", "", "test only the notifier with this `name` (default: all)")
	timeoutFlag := fs.String("timeout", "1m", "give up on all notifiers after this `duration`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Flags may come before or after the verb: alert --notifier x test.
	if fs.NArg() > 0 && fs.Arg(0) == "test" {
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usagef("alert test takes no arguments, got %q", fs.Args())
		}
	} else {
		return usagef("usage: vigia alert test [--notifier NAME]")
	}
	timeout, err := durationFlag("timeout", *timeoutFlag, config.LimitsTimeout)
	if err != nil {
		return err
	}
	cfg, path, err := loadConfig(e, *configPath)
	if err != nil {
		return err
	}
	words, err := language(e, cfg.Language, *lang)
	if err != nil {
		return err
	}
	if path == "" {
		fmt.Fprintln(e.stderr, "vigia: "+words.OnlyLogNotifier())
	}
	if err := config.CheckNotifiers(path, cfg.Notifiers); err != nil {
		// Each failing notifier is reported below with the same reason.
		fmt.Fprintf(e.stderr, "vigia: %v\n", err)
	}
	host, _ := os.Hostname()
	d := notify.New(notify.Options{
		Notifiers: cfg.Notifiers,
		Host:      host,
		Logger:    slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	known := false
	for _, n := range d.Names() {
		known = known || n == *name
	}
	if *name != "" && !known {
		return usagef("--notifier %q: no such notifier (configured: %v)", *name, d.Names())
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	failed := 0
	results := d.Test(ctx, *name)
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintln(e.stdout, words.NotifierFailed(r.Notifier, r.Type, r.Duration.Round(time.Millisecond).String(), r.Err))
			continue
		}
		fmt.Fprintln(e.stdout, words.NotifierOK(r.Notifier, r.Type, r.Duration.Round(time.Millisecond).String()))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d notifiers failed", failed, len(results))
	}
	return nil
}
