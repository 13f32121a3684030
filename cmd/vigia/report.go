package main

import (
	"context"
	"io"
	"time"

	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/tables"
	"github.com/vigia-dev/vigia/internal/text"
)

const reportHelp = `
Usage: vigia report [--since 24h | --from T --to T] [--json] [--db PATH]
       vigia report --explain [--at T | --from T --to T] [--before D] [--json]

The recorded period at a glance: each sensor's peak and when it happened,
the time every alert spent at warning and critical, the processes that used
the most CPU time and memory, the processes that started and ended (and,
where the kernel's process events were heard, those that exited with
their parent, lifetime, CPU, I/O and how they ended), and how much each
filesystem grew.

With --explain: what changed in a window against the span just before it
(four times as long unless --before says): the recorded processes, then
the cgroups, ranked by the CPU-seconds they added, by memory (and disk I/O
where recorded), each with its share of the rise or fall; the processes
that exited, each with its share of their CPU; the events (alerts, OOM
kills, throttling, pressure, exits on a signal). The window is the minute
up to --at, the span --from/--to (--to alone: the minute up to it), or the
last minute.

Times are as for 'vigia history': a duration ago (2h, 7d), an RFC 3339
time, YYYY-MM-DD HH:MM, or HH:MM today.

Examples:
  vigia report                          # the last 24 hours
  vigia report --from 02:00 --to 04:00  # what happened last night
  vigia report --since 7d --json | jq '.top_memory[0]'
  vigia report --explain --at 03:00     # why was it busy at 03:00?
  vigia report --explain --at 03:00 --json | jq '.cgroups[0].rose[0]'
`

func runReport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "report", reportHelp)
	d := addDBFlags(fs)
	since := fs.String("since", "", "report on the last `duration` (default 24h)")
	from := fs.String("from", "", "start `time`")
	to := fs.String("to", "", "end `time` (default now)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	ex := addExplainFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("report takes no arguments (got %q)", fs.Arg(0))
	}
	if *ex.on {
		return runExplain(e, d, ex, *since, *from, *to, *asJSON)
	}
	if *ex.at != "" || *ex.before != "" {
		return usagef("--at and --before go with --explain")
	}
	if *since == "" && *from == "" && *to == "" {
		*since = "24h"
	}
	rng, err := store.ParseRange(*since, *from, *to, e.clock())
	if err != nil {
		return usagef("%v", err)
	}
	words, s, err := d.open(e)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Report(rng.From, rng.To)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, rep)
	}
	writeReport(e.stdout, words, rep, e.zone())
	return nil
}

// writeReport is report's text form.
func writeReport(w io.Writer, tx *text.Text, r *store.Report, loc *time.Location) {
	tables.Report(w, tx, r, loc)
}
