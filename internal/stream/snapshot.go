package stream

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// Metrics lists a reading's gauges under its line, one a line, as vigia
// snapshot shows them; raw counters are for JSON and exporters, not for
// reading by eye.
func Metrics(w io.Writer, r reading.Reading) {
	for _, m := range r.Metrics {
		if m.Kind == reading.Counter || m.Name == reading.MemInfo {
			continue
		}
		// Labels carry mount points and chip labels the machine chose.
		name := text.Printable(reading.Labels(m.Labels).Series(m.Name))
		fmt.Fprintf(w, "           %s %s\n", padCell(name, 60), m.Unit.Format(m.Value))
	}
}

// TopProcesses writes the n busiest of procs by CPU (then by resident
// memory) as a table, as vigia snapshot shows them.
func TopProcesses(w io.Writer, tx *text.Text, procs []reading.Process, n int) {
	sorted := slices.Clone(procs)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].CPUPercent != sorted[j].CPUPercent {
			return sorted[i].CPUPercent > sorted[j].CPUPercent
		}
		return sorted[i].RSS > sorted[j].RSS
	})
	n = min(n, len(sorted))
	fmt.Fprintf(w, "\n%s\n", tx.TopProcesses(n, len(procs)))
	fmt.Fprintln(w, tx.ProcessHeader())
	for _, p := range sorted[:n] {
		fmt.Fprintf(w, "%7d %s %s %6.1f %5.1f %9s %3d %s\n", p.PID, text.Cell(p.User, 10, false), text.Cell(p.State, 1, false),
			p.CPUPercent, p.MemPercent, reading.FormatBytes(float64(p.RSS)), p.Threads, text.Clip(p.Cmdline, 120))
	}
	fmt.Fprintln(w)
}

// padCell pads s to w cells and leaves a longer s whole: a metric's full
// name matters more than the column after it.
func padCell(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-text.Width(s)))
}
