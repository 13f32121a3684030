package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

const reportHelp = `
Usage: vigia report [--since 24h | --from T --to T] [--json] [--db PATH]

The recorded period at a glance: each sensor's peak and when it happened,
the time every alert spent at warning and critical, the processes that used
the most CPU time and memory, the processes that started and ended, and how
much each filesystem grew.

Times are as for 'vigia history': a duration ago (2h, 7d), an RFC 3339
time, YYYY-MM-DD HH:MM, or HH:MM today.

Examples:
  vigia report                          # the last 24 hours
  vigia report --from 02:00 --to 04:00  # what happened last night
  vigia report --since 7d --json | jq '.top_memory[0]'
`

func runReport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "report", reportHelp)
	d := addDBFlags(fs)
	since := fs.String("since", "", "report on the last `duration` (default 24h)")
	from := fs.String("from", "", "start `time`")
	to := fs.String("to", "", "end `time` (default now)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("report takes no arguments (got %q)", fs.Arg(0))
	}
	if *since == "" && *from == "" && *to == "" {
		*since = "24h"
	}
	rng, err := store.ParseRange(*since, *from, *to, e.clock())
	if err != nil {
		return usagef("%v", err)
	}
	words, err := d.words(e)
	if err != nil {
		return err
	}
	s, err := openHistory(e, d)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Report(rng.From, rng.To)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeReport(e.stdout, words, rep, e.zone())
	return nil
}

func writeReport(w io.Writer, tx *text.Text, r *store.Report, loc *time.Location) {
	span := r.To.Sub(r.From).Round(time.Minute)
	layout := "2006-01-02 15:04"
	at := func(t time.Time) string { return t.In(loc).Format(layout) }
	fmt.Fprintln(w, tx.ReportTitle(at(r.From), at(r.To), span.String()))
	if len(r.Peaks) == 0 && len(r.Alerts) == 0 && len(r.TopCPU) == 0 && r.Started == 0 && r.Exited == 0 {
		fmt.Fprintln(w, "\n"+tx.ReportEmpty())
		return
	}
	if len(r.Peaks) > 0 {
		fmt.Fprintf(w, "\n%s\n  %-12s %-20s %12s  %-16s  %12s\n", tx.Peaks(), tx.Heading("SENSOR"), tx.Heading("METRIC"),
			tx.Heading("PEAK"), tx.Heading("AT"), tx.Heading("MEAN"))
		for _, p := range r.Peaks {
			fmt.Fprintf(w, "  %s %s %12s  %-16s  %12s\n", cell(p.Sensor, 12), cell(p.Metric, 20), p.Unit.Format(p.Max), at(p.At), p.Unit.Format(p.Mean))
		}
	}
	fmt.Fprintln(w, "\n"+tx.ReportAlerts())
	if len(r.Alerts) == 0 {
		fmt.Fprintln(w, "  "+tx.NoneRaised())
	} else {
		fmt.Fprintf(w, "  %-20s %-28s %10s %10s %7s  %s\n", tx.Heading("RULE"), tx.Heading("METRIC"), tx.Heading("WARNING"),
			tx.Heading("CRITICAL"), tx.Heading("RAISED"), tx.Heading("AT END"))
		for _, a := range r.Alerts {
			m := seriesText(a.Metric, a.Labels)
			fmt.Fprintf(w, "  %s %s %10s %10s %7d  %s\n", cell(a.Rule, 20), cell(m, 28), duration(a.Warning), duration(a.Critical), a.Raised, tx.ReportLevel(a.Active))
		}
	}
	procTable := func(title string, ps []store.ProcUsage) {
		if len(ps) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n  %7s  %-16s %-10s %10s %10s  %s\n", title, tx.Heading("PID"), tx.Heading("COMMAND"),
			tx.Heading("USER"), tx.Heading("CPU TIME"), tx.Heading("PEAK RSS"), tx.Heading("COMMAND LINE"))
		for _, p := range ps {
			fmt.Fprintf(w, "  %7d  %s %s %10s %10s  %s\n", p.PID, cell(p.Comm, 16), cell(p.User, 10), duration(time.Duration(p.CPUSeconds*float64(time.Second))),
				reading.FormatBytes(float64(p.PeakRSS)), text.Clip(p.Cmdline, 60))
		}
	}
	procTable(tx.TopCPUTime(), r.TopCPU)
	procTable(tx.TopPeakMemory(), r.TopMemory)
	fmt.Fprintln(w, "\n"+tx.ProcessChurn(r.Started, r.Exited))
	lives := func(title string, ps []store.ProcLife) {
		if len(ps) == 0 {
			return
		}
		fmt.Fprintf(w, "  %s\n  %7s  %-16s %-10s %-16s %10s %10s\n", title, tx.Heading("PID"), tx.Heading("COMMAND"),
			tx.Heading("USER"), tx.Heading("STARTED"), tx.Heading("LIFETIME"), tx.Heading("PEAK RSS"))
		for _, p := range ps {
			life := tx.StillRunning()
			if !p.End.IsZero() {
				life = duration(p.Lifetime)
			}
			fmt.Fprintf(w, "  %7d  %s %s %-16s %10s %10s\n", p.PID, cell(p.Comm, 16), cell(p.User, 10), at(p.Start), life, reading.FormatBytes(float64(p.PeakRSS)))
		}
	}
	lives(tx.EndedList(), r.ExitedList)
	lives(tx.StartedList(), r.StartedList)
	if len(r.Disks) > 0 {
		fmt.Fprintf(w, "\n%s\n  %-20s %-16s %12s %12s %12s %10s\n", tx.Filesystems(), tx.Heading("MOUNT"), tx.Heading("DEVICE"),
			tx.Heading("USED BEFORE"), tx.Heading("USED AFTER"), tx.Heading("GROWTH"), tx.Heading("SIZE"))
		for _, d := range r.Disks {
			growth := reading.FormatBytes(d.Growth)
			if d.Growth > 0 {
				growth = "+" + growth
			}
			fmt.Fprintf(w, "  %s %s %12s %12s %12s %10s\n", cell(d.Mountpoint, 20), cell(d.Device, 16), reading.FormatBytes(d.StartUsed), reading.FormatBytes(d.EndUsed), growth, reading.FormatBytes(d.Size))
		}
	}
}

// duration writes d as 1h02m, 4m05s or 12s.
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d == 0:
		return "-"
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// cell is a left-aligned report column: what a process or a config named
// is made printable and cut to the column, so long names keep the table in
// line.
func cell(s string, w int) string { return text.Cell(s, w, false) }
