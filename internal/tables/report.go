package tables

import (
	"fmt"
	"io"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

// Report writes r as vigia report shows it, with times in loc: the peaks,
// the alerts, the processes that used the most, those that started and
// ended, the events, and the filesystems' growth.
func Report(w io.Writer, tx *text.Text, r *store.Report, loc *time.Location) {
	span := r.To.Sub(r.From).Round(time.Minute)
	at := func(t time.Time) string { return t.In(loc).Format(dayLayout) }
	fmt.Fprintln(w, tx.ReportTitle(at(r.From), at(r.To), span.String()))
	if len(r.Peaks) == 0 && len(r.Alerts) == 0 && len(r.TopCPU) == 0 && r.Started == 0 && r.Exited == 0 && r.EventCount == 0 && r.Exits.Count == 0 {
		fmt.Fprintln(w, "\n"+tx.ReportEmpty())
		return
	}
	section(w, fmt.Sprintf("\n%s\n  %-12s %-20s %12s  %-16s  %12s", tx.Peaks(), tx.Heading("SENSOR"), tx.Heading("METRIC"),
		tx.Heading("PEAK"), tx.Heading("AT"), tx.Heading("MEAN")), r.Peaks, func(p store.Peak) string {
		return fmt.Sprintf("  %s %s %12s  %-16s  %12s", cell(p.Sensor, 12), cell(p.Metric, 20), p.Unit.Format(p.Max), at(p.At), p.Unit.Format(p.Mean))
	})
	fmt.Fprintln(w, "\n"+tx.ReportAlerts())
	if len(r.Alerts) == 0 {
		fmt.Fprintln(w, "  "+tx.NoneRaised())
	}
	section(w, fmt.Sprintf("  %-20s %-28s %10s %10s %7s  %s", tx.Heading("RULE"), tx.Heading("METRIC"), tx.Heading("WARNING"),
		tx.Heading("CRITICAL"), tx.Heading("RAISED"), tx.Heading("AT END")), r.Alerts, func(a store.AlertTime) string {
		m := reading.Labels(a.Labels).Series(a.Metric)
		return fmt.Sprintf("  %s %s %10s %10s %7d  %s", cell(a.Rule, 20), cell(m, 28), duration(a.Warning), duration(a.Critical), a.Raised, tx.ReportLevel(a.Active))
	})
	usage := func(title string, ps []store.ProcUsage) {
		section(w, "\n"+title+"\n"+procHeadings(tx)+fmt.Sprintf(" %10s %10s  %s", tx.Heading("CPU TIME"), tx.Heading("PEAK RSS"),
			tx.Heading("COMMAND LINE")), ps, func(p store.ProcUsage) string {
			return procCells(p.PID, p.Comm, p.User) + fmt.Sprintf(" %10s %10s  %s", duration(time.Duration(p.CPUSeconds*float64(time.Second))),
				reading.FormatBytes(float64(p.PeakRSS)), text.Clip(p.Cmdline, 60))
		})
	}
	usage(tx.TopCPUTime(), r.TopCPU)
	usage(tx.TopPeakMemory(), r.TopMemory)
	fmt.Fprintln(w, "\n"+tx.ProcessChurn(r.Started, r.Exited))
	lives := func(title string, ps []store.ProcLife) {
		section(w, "  "+title+"\n"+procHeadings(tx)+fmt.Sprintf(" %-16s %10s %10s", tx.Heading("STARTED"), tx.Heading("LIFETIME"),
			tx.Heading("PEAK RSS")), ps, func(p store.ProcLife) string {
			life := tx.StillRunning()
			if !p.End.IsZero() {
				life = duration(p.Lifetime)
			}
			return procCells(p.PID, p.Comm, p.User) + fmt.Sprintf(" %-16s %10s %10s", at(p.Start), life, reading.FormatBytes(float64(p.PeakRSS)))
		})
	}
	lives(tx.EndedList(), r.ExitedList)
	lives(tx.StartedList(), r.StartedList)
	exits(w, tx, r.Exits)
	section(w, "\n"+tx.EventsTitle(), r.Events, func(e reading.Event) string {
		return fmt.Sprintf("  %-16s %s %s", at(e.Time), cell(tx.EventKind(e.Kind), 10), tx.EventLine(e))
	})
	if more := r.EventCount - len(r.Events); more > 0 {
		fmt.Fprintln(w, "  "+tx.MoreEvents(more))
	}
	section(w, fmt.Sprintf("\n%s\n  %-20s %-16s %12s %12s %12s %10s", tx.Filesystems(), tx.Heading("MOUNT"), tx.Heading("DEVICE"),
		tx.Heading("USED BEFORE"), tx.Heading("USED AFTER"), tx.Heading("GROWTH"), tx.Heading("SIZE")), r.Disks, func(d store.DiskGrowth) string {
		growth := reading.FormatBytes(d.Growth)
		if d.Growth > 0 {
			growth = "+" + growth
		}
		return fmt.Sprintf("  %s %s %12s %12s %12s %10s", cell(d.Mountpoint, 20), cell(d.Device, 16), reading.FormatBytes(d.StartUsed),
			reading.FormatBytes(d.EndUsed), growth, reading.FormatBytes(d.Size))
	})
}

// section writes head and a line a row, and nothing at all without rows:
// a table with no rows is left out rather than shown empty.
func section[T any](w io.Writer, head string, rows []T, line func(T) string) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, head)
	for _, r := range rows {
		fmt.Fprintln(w, line(r))
	}
}

// procHeadings and procCells are the columns every process table starts
// with, so the tables of one report line up.
func procHeadings(tx *text.Text) string {
	return fmt.Sprintf("  %7s  %-16s %-10s", tx.Heading("PID"), tx.Heading("COMMAND"), tx.Heading("USER"))
}

func procCells(pid int32, comm, user string) string {
	return fmt.Sprintf("  %7d  %s %s", pid, cell(comm, 16), cell(user, 10))
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
