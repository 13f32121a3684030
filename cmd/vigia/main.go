// Command vigia is a light system monitor and task manager: sensors sample
// /proc and /sys, rules analyse every reading, and outputs show them — a line
// stream, a full-screen dashboard, an HTTP agent, a history and alerts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// version is the version of builds that record none (go run, go test, a
// tree without its history); a release build takes its own from the tag
// (see build).
const version = "0.1.0"

// Exit codes, as the issue tracker and scripts rely on them.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand. run gets the arguments after the command's
// name; it returns a usageError for bad flags or arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
	// quiet marks a command that runs until stopped, a few goroutines
	// woken by timers for a few milliseconds of work: it is tuned to wake
	// the machine as little as it can (oneProcessor, widenTimerSlack), and
	// holds no more memory than it uses (releaseStartupPages).
	quiet bool
}

// env is what a command may touch of the outside world; tests swap it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// interactive reports whether stdout is a terminal.
	interactive bool
	// quiet, when set, tunes the process for a long-running light command
	// (oneProcessor, releaseStartupPages); tests leave it nil so they keep
	// their own runtime.
	quiet func()
	// now, when set, is the wall clock, and the location of what it returns
	// is the time zone commands show times in: a test fixes both, say 00:30
	// in Pacific/Kiritimati. Nil is time.Now, local time. Read it through
	// clock, and time zones through zone, never time.Now or time.Local.
	now func() time.Time
	// failures, when set, says why the command failed instead of the
	// plain "vigia: …" line: with --log-format json every line on stderr
	// is a JSON object, the last one included.
	failures *slog.Logger
	// flagSet, when set, is given each command's flag set and help text
	// as the command makes them; specs reads commands this way.
	flagSet func(fs *flag.FlagSet, help string)
}

// clock returns the current time, in the zone commands show times in.
func (e *env) clock() time.Time {
	if e.now == nil {
		return time.Now()
	}
	return e.now()
}

// zone is the time zone commands show times in.
func (e *env) zone() *time.Location { return e.clock().Location() }

func commands() []command {
	return []command{
		{"top", "the full-screen dashboard and task manager", runTop, true},
		{"watch", "stream readings as lines with bars and statuses (or JSON lines)", runWatch, true},
		{"snapshot", "read every sensor once, print it all, and exit", runSnapshot, false},
		{"fleet", "every machine Prometheus scrapes, as one table: vigia fleet --prometheus URL", runFleet, true},
		{"serve", "run as an agent: HTTP API, live stream, Prometheus /metrics, web dashboard", runServe, true},
		{"history", "show a recorded metric over a time range", runHistory, false},
		{"report", "summarise a recorded period: peaks, alerts, processes, disk growth", runReport, false},
		{"alert", "send a test alert through the notifiers: vigia alert test [--notifier NAME]", runAlert, false},
		{"config", "check a config file: vigia config check FILE", runConfig, false},
		{"rules", "export the rules as Prometheus alerting rules: vigia rules export --format prometheus", runRules, false},
		{"completion", "print a shell completion script: vigia completion bash|zsh|fish", runCompletion, false},
		{"man", "print the manual page (roff, section 1)", runMan, false},
		{"version", "print the version", runVersion, false},
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, interactive: isTerminal(os.Stdout),
		quiet: func() { oneProcessor(os.Getenv); releaseStartupPages() }}
	name, _ := commandOf(e, os.Args[1:])
	if isQuiet(name) {
		// Before any signal is caught: an interrupt during the exec still
		// ends the program, as the user meant.
		widenTimerSlack()
	}
	// Signals are caught for the whole run, and only here: a second one
	// while the command winds down is absorbed, not fatal half-way.
	ctx, _ := signal.NotifyContext(context.Background(), stopSignals(name)...)
	if name == "serve" {
		// serve reloads on SIGHUP once it runs; one that comes while it
		// starts must not end it.
		signal.Ignore(syscall.SIGHUP)
	}
	code := run(ctx, e, os.Args[1:])
	// The rest of a burst (five SIGHUPs from a closing terminal) can still
	// be on its way. The stop signals stay caught (the handler is never
	// stopped), so they are absorbed; ignoring them here instead would open
	// a window in which the runtime no longer wants a signal it has not
	// yet set to be ignored, and one arriving then ends the process (seen:
	// 1 burst of SIGINT in 15). serve's SIGHUP, which the reload loop
	// stopped catching, is ignored.
	if name == "serve" {
		signal.Ignore(syscall.SIGHUP)
	}
	os.Exit(code)
}

// stopSignals are the signals that end a command the way Ctrl-C does: its
// context is cancelled, it winds down (summary, database closed, terminal
// restored) and exits 0.
//
// SIGHUP — the terminal closed — stops every command but serve, for which
// it is a service manager's "reload" (systemctl reload): serve re-reads
// its config (reload.go).
//
// The dashboard also stops on SIGQUIT: the runtime's default, a goroutine
// dump, would leave the terminal raw. Other commands keep the dump.
func stopSignals(command string) []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if command != "serve" {
		sigs = append(sigs, syscall.SIGHUP)
	}
	if command == "top" || command == "fleet" {
		sigs = append(sigs, syscall.SIGQUIT)
	}
	return sigs
}

// commandOf picks the subcommand args name, and the arguments it gets.
func commandOf(e *env, args []string) (name string, rest []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return defaultCommand(e), args
}

// run dispatches to a subcommand and turns its error into an exit code.
func run(ctx context.Context, e *env, args []string) int {
	name, rest := commandOf(e, args)
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || args[0] == "-V") {
		return exitCode(e, runVersion(ctx, e, nil))
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			if c.quiet {
				e.beQuiet()
			}
			return exitCode(e, c.run(ctx, e, rest))
		}
	}
	fmt.Fprintf(e.stderr, "vigia: unknown command %q\n\n", name)
	usage(e.stderr)
	return exitUsage
}

// defaultCommand is what plain `vigia` runs: the dashboard on a terminal,
// the line stream when piped.
func defaultCommand(e *env) string {
	if e.interactive {
		for _, c := range commands() {
			if c.name == "top" {
				return "top"
			}
		}
	}
	return "watch"
}

func exitCode(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	var u *usageError
	switch {
	case errors.Is(err, errHelp):
		return exitOK
	case e.failures != nil:
		e.failures.Error("command failed", "error", err)
		if errors.As(err, &u) {
			return exitUsage
		}
		return exitFailure
	case errors.As(err, &u):
		fmt.Fprintf(e.stderr, "vigia: %v\n", err)
		if u.hint != "" {
			fmt.Fprintf(e.stderr, "%s\n", u.hint)
		}
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "vigia: %v\n", err)
	return exitFailure
}

// tagline says what vigia is, in --help and the man page's NAME.
const tagline = "a light system monitor and task manager"

// mainHelp is the end of `vigia --help`, and the man page's description.
const mainHelp = `
With no command, vigia opens the dashboard on a terminal and streams lines
when its output is piped. Every command takes --help, with examples.

Examples:
  vigia                          # the dashboard, or lines when piped
  vigia watch --count 5          # five readings of each sensor, then stop
  vigia watch --json | jq .      # JSON lines
  vigia snapshot                 # everything once, like top -b -n1
  vigia config check vigia.yaml  # validate a config file
`

func usage(w io.Writer) {
	fmt.Fprintf(w, "vigia %s — %s\n\nUsage:\n  vigia [command] [flags]\n\nCommands:\n", build().Version, tagline)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, mainHelp)
}
