// Package stream writes readings as the `watch` line stream and as JSON
// lines, over any io.Writer.
package stream

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// BarWidth is the number of cells in a `watch` bar, as in vigia's original
// design.
const BarWidth = 20

// statusWidth is the widest status word in any language (DESCONOCIDO).
const statusWidth = 11

// ANSI colours for statuses; used only when Options.Color is set.
const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	grey   = "\x1b[90m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// Lines writes one line per reading:
//
//	14:03:07 | CPU          [||||||||            ]  41.3%  NORMAL
//
// followed by a line per alert transition. It is used by one goroutine.
type Lines struct {
	w     io.Writer
	color bool
	text  *text.Text
	// loc is the time zone of the line's clock.
	loc *time.Location
	// Full is, per metric, the value that fills the bar of a metric with
	// no natural 100 % (a process count, a throughput): the bound of the
	// rule that watches it (rule.CriticalBounds). A metric without one
	// has no bar, rather than a bar scaled to nothing a reader can know.
	Full map[string]float64

	notes map[string]string
	buf   []byte
}

// NewLines returns a line writer that shows times in loc; color turns on
// ANSI colours (only for a terminal, and never under NO_COLOR: the caller
// decides).
func NewLines(w io.Writer, t *text.Text, color bool, loc *time.Location) *Lines {
	return &Lines{w: w, color: color, text: t, loc: loc, notes: map[string]string{}}
}

// Write writes r's line and its transitions.
func (l *Lines) Write(r reading.Reading) error {
	b := l.buf[:0]
	ts := r.Time.In(l.loc).Format("15:04:05")
	b = fmt.Appendf(b, "%s | %-12s ", ts, l.text.Sensor(r.Sensor))
	switch m, ok := r.PrimaryMetric(); {
	case r.Err != "":
		b = l.paint(b, red, l.text.SensorFailed(r.Err))
	case !ok:
		note := r.Note
		if note == "" || l.notes[r.Sensor] == note {
			return nil // nothing to show, or a note already said once
		}
		l.notes[r.Sensor] = note
		b = l.paint(b, grey, l.text.Note(note))
	default:
		delete(l.notes, r.Sensor)
		if f, ok := l.fraction(m); ok {
			b = append(b, '[')
			b = l.bar(b, r.Status, f)
			b = append(b, ']')
		} else {
			b = append(b, noBar...)
		}
		b = fmt.Appendf(b, " %9s  ", m.Unit.Format(m.Value))
		word := l.text.Status(r.Status)
		b = l.paint(b, statusColor(r.Status), word)
		if d := detail(&r, l.text); d != "" {
			// Pad by runes so details line up under CRÍTICO as under CRITICAL.
			b = append(b, strings.Repeat(" ", max(0, statusWidth-utf8.RuneCountInString(word))+2)...)
			b = l.paint(b, grey, d)
		}
	}
	b = append(b, '\n')
	for _, tr := range r.Transitions {
		b = fmt.Appendf(b, "%s |   ", ts)
		b = l.paint(b, bold+statusColor(tr.To), l.text.Transition(tr, unitOf(&r, tr.Metric).Format(tr.Value)))
		b = append(b, '\n')
	}
	l.buf = b
	_, err := l.w.Write(b)
	return err
}

func (l *Lines) paint(b []byte, color, s string) []byte {
	if !l.color || color == "" {
		return append(b, s...)
	}
	b = append(b, color...)
	b = append(b, s...)
	return append(b, reset...)
}

func (l *Lines) bar(b []byte, s reading.Status, f float64) []byte {
	n := int(math.Round(f * BarWidth))
	n = max(0, min(BarWidth, n))
	if l.color {
		b = append(b, statusColor(s)...)
	}
	b = append(b, strings.Repeat("|", n)...)
	if l.color {
		b = append(b, reset...)
	}
	return append(b, strings.Repeat(" ", BarWidth-n)...)
}

// noBar takes a bar's place, brackets included, so the columns after it
// stay in line.
var noBar = strings.Repeat(" ", BarWidth+2)

// fraction is how full the bar is: percentages and degrees Celsius fill it at
// 100, anything else at its bound in Full; false when there is no bound.
func (l *Lines) fraction(m reading.Metric) (float64, bool) {
	full := 100.0
	if m.Unit != reading.Percent && m.Unit != reading.Celsius {
		var ok bool
		if full, ok = l.Full[m.Name]; !ok || full <= 0 {
			return 0, false
		}
	}
	if math.IsNaN(m.Value) {
		return 0, true
	}
	return m.Value / full, true
}

func statusColor(s reading.Status) string {
	switch s {
	case reading.Normal:
		return green
	case reading.Warning:
		return yellow
	case reading.Critical:
		return red
	}
	return grey
}

func unitOf(r *reading.Reading, metric string) reading.Unit {
	for _, m := range r.Metrics {
		if m.Name == metric {
			return m.Unit
		}
	}
	return reading.None
}

// detail is the short context after the status: what a bare percentage
// does not say.
func detail(r *reading.Reading, t *text.Text) string {
	v := func(name string) float64 { x, _ := r.Value(name); return x }
	has := func(name string) bool { _, ok := r.Value(name); return ok }
	switch r.Sensor {
	case reading.SensorCPU:
		if has(reading.CPUCores) {
			return t.Cores(int(v(reading.CPUCores)))
		}
	case reading.SensorMemory:
		s := reading.FormatBytes(v(reading.MemUsed)) + " / " + reading.FormatBytes(v(reading.MemTotal))
		if has(reading.SwapTotal) && v(reading.SwapTotal) > 0 {
			s += fmt.Sprintf(", swap %.1f%%", v(reading.SwapUsedPercent))
		}
		if has(reading.CgroupMemMax) {
			s += fmt.Sprintf(", cgroup %s / %s", reading.FormatBytes(v(reading.CgroupMemCurrent)), reading.FormatBytes(v(reading.CgroupMemMax)))
		}
		return s
	case reading.SensorLoad:
		return fmt.Sprintf("%.2f %.2f %.2f", v(reading.Load1), v(reading.Load5), v(reading.Load15))
	case reading.SensorNetwork:
		rx, tx := r.NetRates()
		return "↓" + reading.FormatBytes(rx) + "/s ↑" + reading.FormatBytes(tx) + "/s"
	case reading.SensorDisk:
		for _, m := range r.Metrics {
			if m.Name == reading.FSUsedPercent && m.Value == v(reading.DiskUsedPercent) {
				return text.Printable(m.Label("mountpoint"))
			}
		}
	case reading.SensorProcesses:
		if !has(reading.ProcsThreads) {
			return "" // a count of nothing would print as -9223372036854775808
		}
		var running float64
		for _, m := range r.Metrics {
			if m.Name == reading.ProcsState && m.Label("state") == "running" {
				running = m.Value
			}
		}
		return t.ProcsDetail(int(running), int(v(reading.ProcsThreads)))
	case reading.SensorSelf:
		return "RSS " + reading.FormatBytes(v(reading.SelfRSS))
	}
	return ""
}
