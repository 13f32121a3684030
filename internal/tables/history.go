// Package tables writes what the store recorded as text for people: the
// series of vigia history with their sparkline, the list of recorded
// series, and vigia report. Words come from text, and times are shown in
// the zone the caller passes.
package tables

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

// List writes every recorded series, one a line, or a note that nothing is
// recorded yet.
func List(w io.Writer, tx *text.Text, all []store.SeriesInfo) {
	if len(all) == 0 {
		fmt.Fprintln(w, tx.NothingYet())
		return
	}
	for _, si := range all {
		name := reading.Labels(si.Labels).Series(si.Metric)
		fmt.Fprintf(w, "%-12s %s\n", text.Printable(si.Sensor), text.Printable(name))
	}
}

// History writes series as tables of min, mean and max per step over r,
// with times in loc; on a terminal each summary starts with a sparkline of
// the means.
func History(w io.Writer, tx *text.Text, series []store.SeriesPoints, r store.Range, step time.Duration, terminal bool, loc *time.Location) {
	layout := timeLayout(r, step, loc)
	at := func(t time.Time, layout string) string { return t.In(loc).Format(layout) }
	for i, sp := range series {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := reading.Labels(sp.Labels).Series(sp.Metric)
		if sp.Unit != "" {
			title += " (" + string(sp.Unit) + ")"
		}
		fmt.Fprintln(w, tx.HistoryTitle(text.Printable(title), at(r.From, dayLayout), at(r.To, dayLayout), step.String()))
		if len(sp.Points) == 0 {
			fmt.Fprintln(w, "  "+tx.NoSamples())
			continue
		}
		tw := len(at(r.From, layout))
		fmt.Fprintf(w, "%-*s %10s %10s %10s\n", tw, tx.Heading("TIME"), tx.Heading("MIN"), tx.Heading("MEAN"), tx.Heading("MAX"))
		lo, hi := math.Inf(1), math.Inf(-1)
		var hiAt time.Time
		var sum float64
		var n int
		means := make([]float64, len(sp.Points))
		for j, p := range sp.Points {
			fmt.Fprintf(w, "%-*s %10s %10s %10s\n", tw, at(p.Time, layout),
				sp.Unit.Format(p.Min), sp.Unit.Format(p.Mean), sp.Unit.Format(p.Max))
			lo = min(lo, p.Min)
			if p.Max > hi {
				hi, hiAt = p.Max, p.Time
			}
			sum += p.Mean * float64(p.Count)
			n += p.Count
			means[j] = p.Mean
		}
		summary := tx.HistorySummary(sp.Unit.Format(lo), sp.Unit.Format(sum/float64(n)),
			sp.Unit.Format(hi), at(hiAt, layout))
		if terminal {
			summary = sparkline(means, 60) + "  " + summary
		}
		fmt.Fprintln(w, summary)
	}
}

// dayLayout shows a range's ends and the report's times to the minute.
const dayLayout = "2006-01-02 15:04"

// timeLayout shows the date only when the range, seen in loc, spans more
// than a day or crosses a midnight.
func timeLayout(r store.Range, step time.Duration, loc *time.Location) string {
	layout := "15:04"
	if step < time.Minute {
		layout = "15:04:05"
	}
	from, last := r.From.In(loc), r.To.Add(-time.Nanosecond).In(loc)
	if r.To.Sub(r.From) > 24*time.Hour || from.YearDay() != last.YearDay() {
		layout = "2006-01-02 " + layout
	}
	return layout
}

// sparkline draws vals in at most width cells of block characters.
func sparkline(vals []float64, width int) string {
	const bars = "▁▂▃▄▅▆▇█"
	runes := []rune(bars)
	if len(vals) > width {
		folded := make([]float64, width)
		for i := range folded {
			a, b := i*len(vals)/width, (i+1)*len(vals)/width
			var s float64
			for _, v := range vals[a:b] {
				s += v
			}
			folded[i] = s / float64(b-a)
		}
		vals = folded
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	for _, v := range vals {
		i := 0
		if hi > lo {
			i = int((v - lo) / (hi - lo) * float64(len(runes)-1))
		}
		b.WriteRune(runes[max(0, min(i, len(runes)-1))])
	}
	return b.String()
}
