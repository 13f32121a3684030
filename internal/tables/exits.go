package tables

import (
	"fmt"
	"io"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

// exits writes a report's processes that the kernel's process events saw
// exit: the totals, then the busiest one a line with its parent,
// lifetime, CPU, I/O where known, how it ended and its command line.
// Nothing when none were recorded (vigia could not listen, or nothing
// exited).
func exits(w io.Writer, tx *text.Text, ex store.Exits) {
	if ex.Count == 0 && ex.Lost == 0 {
		return
	}
	fmt.Fprintln(w, "\n"+tx.ReportExits(ex.Count, cpuSeconds(ex.CPUSeconds), ex.Unlisted))
	if ex.Lost > 0 {
		fmt.Fprintln(w, "  "+tx.ExitsLost(ex.Lost))
	}
	c := tx.ExitedColumns() // PID PPID LIFE CPU READ WRITTEN EXIT COMMAND
	section(w, fmt.Sprintf("  %7s %7s  %-16s %10s %9s %9s %9s %-12s %s", c[0], c[1], tx.Heading("COMMAND"), c[2], c[3], c[4], c[5], c[6],
		tx.Heading("COMMAND LINE")), ex.Processes, func(p reading.ExitedProcess) string {
		rd, wr := "-", "-"
		if p.Final || p.ReadBytes+p.WriteBytes > 0 {
			rd, wr = reading.FormatBytes(float64(p.ReadBytes)), reading.FormatBytes(float64(p.WriteBytes))
		}
		life := "-"
		if p.Lifetime > 0 {
			life = text.Duration(time.Duration(p.Lifetime * float64(time.Second)))
		}
		return fmt.Sprintf("  %7d %7d  %s %10s %9s %9s %9s %s %s", p.PID, p.PPID, cell(p.Comm, 16), life, cpuSeconds(p.CPUTime), rd, wr,
			cell(tx.ExitHow(p.Status, p.Signal, p.CoreDumped), 12), text.Clip(p.Cmdline, 60))
	})
}

// cpuSeconds writes CPU time to the hundredth of a second: an exited
// process's is often less than one.
func cpuSeconds(v float64) string { return fmt.Sprintf("%.2fs", v) }
