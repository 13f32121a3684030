package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// render draws the frame: the header, a line of trouble when there is
// any, the table, the detail pane when open, and the status bar.
func (m *FleetModel) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.message != "" && m.opts.Now().Sub(m.msgAt) > 5*time.Second {
		m.message = ""
	}
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	if m.help {
		lines = append(lines, m.helpLines()...)
	} else {
		if trouble, ok := m.trouble(); ok {
			lines = append(lines, trouble)
		}
		body := m.h - 1 - len(lines)
		pane := 0
		if m.detail {
			pane = min(max(body*2/5, 8), body-3)
		}
		table := m.tableLines(body - pane)
		lines = append(lines, table...)
		if pane > 0 {
			// The pane sits at the bottom, where it stays as rows come and go.
			for range body - pane - len(table) {
				lines = append(lines, strings.Repeat(" ", m.w))
			}
			lines = append(lines, m.paneLines(pane)...)
		}
	}
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = append(lines[:m.h-1], m.statusBar())
	return strings.Join(lines, "\n")
}

// header: vigia fleet, the source, the refresh, the fleet's count and the
// time of the last answer.
func (m *FleetModel) header() string {
	t := m.th
	ln := newRow(m.w)
	ln.add(t.title, "vigia "+m.tx.FleetTitle())
	ln.add(t.text, " "+text.Printable(m.opts.URL))
	ln.group(part{t.dim, "  " + m.tx.Every() + " "}, part{t.text, interval(m.every)})
	if m.answered && len(m.snap.Hosts) > 0 {
		down, alerting := 0, 0
		for _, h := range m.snap.Hosts {
			if !h.Up {
				down++
			}
			if len(h.Alerts) > 0 {
				alerting++
			}
		}
		p := t.text
		if down > 0 {
			p = t.status[reading.Critical]
		} else if alerting > 0 {
			p = t.status[reading.Warning]
		}
		ln.add(p, "  "+m.tx.FleetSummary(len(m.snap.Hosts), down, alerting))
	}
	if m.table.group != "" {
		ln.add(t.dim, "  "+m.tx.FleetGroupedBy(text.Printable(m.table.group)))
	}
	clk := clock(m.snap.At)
	if room := ln.room() - len(clk); room > 0 {
		ln.space(room)
		ln.add(t.dim, clk)
	}
	return ln.done()
}

// trouble is the line that says what failed: the whole fleet (the hosts
// shown are the last good answer's) or some of its queries.
func (m *FleetModel) trouble() (string, bool) {
	t := m.th
	ln := newRow(m.w)
	switch {
	case m.err != nil:
		last := ""
		if len(m.snap.Hosts) > 0 {
			last = clock(m.snap.At)
		}
		ln.add(t.status[reading.Critical], text.Printable(m.tx.FleetUnreadable(m.err, last)))
	case len(m.problems) > 0:
		parts := make([]string, len(m.problems))
		for i, p := range m.problems {
			parts[i] = p.Error()
		}
		ln.add(t.status[reading.Warning], text.Printable(m.tx.FleetMissing(parts)))
	default:
		return "", false
	}
	return ln.done(), true
}

// fleetLayout is the width of each column on this screen; 0 leaves it out.
func (m *FleetModel) fleetLayout() [numFleetCols]int {
	defs := fleetColDefs()
	var w [numFleetCols]int
	used := 0
	for c, d := range defs {
		w[c] = d.width
		used += d.width + 1
	}
	// Columns leave in their drop order until the rest fit.
	for drop := 1; used > m.w && drop <= 8; drop++ {
		for c, d := range defs {
			if d.drop == drop && w[c] > 0 {
				used -= w[c] + 1
				w[c] = 0
			}
		}
	}
	// What is left goes to the host, the alerts and the filesystem.
	if extra := m.w - used; extra > 0 {
		host := min(extra/2, 16)
		w[fcHost] += host
		extra -= host
		if w[fcFS] > 0 {
			fs := min(extra/3, 8)
			w[fcFS] += fs
			extra -= fs
		}
		w[fcAlerts] += extra
	}
	return w
}

func (m *FleetModel) tableLines(n int) []string {
	t := m.th
	tb := &m.table
	out := make([]string, 0, n)
	if n <= 0 {
		return out
	}
	w := m.fleetLayout()
	defs := fleetColDefs()
	names := append(m.tx.FleetColumns(), m.tx.FleetVersion())
	ln := newRow(m.w)
	for c := range numFleetCols {
		if w[c] == 0 {
			continue
		}
		p := t.header
		if fleetCol(c) == tb.sortCol {
			p = t.sorted
		}
		ln.addPad(p, names[c], w[c], defs[c].right)
		ln.space(1)
	}
	out = append(out, ln.done())
	switch {
	case !m.answered:
		ln.reset(m.w)
		ln.add(t.dim, m.tx.FleetWaiting(text.Printable(m.opts.URL)))
		return append(out, ln.done())
	case len(tb.hosts) == 0 && m.err == nil:
		ln.reset(m.w)
		ln.add(t.dim, m.tx.FleetNoHosts())
		return append(out, ln.done())
	}
	rows := n - 1
	tb.scroll(rows)
	for r := tb.offset; r < len(tb.rows) && len(out) < n; r++ {
		row := tb.rows[r]
		ln.reset(m.w)
		if row.i < 0 {
			ln.add(t.accent, "▸ "+text.Printable(m.tx.FleetGroup(tb.group, row.group, row.count, row.down)))
			out = append(out, ln.done())
			continue
		}
		m.hostRow(ln, &tb.hosts[row.i], w, r == tb.sel)
		out = append(out, ln.done())
	}
	return out
}

// level colours a value by the rules the caller gave, by vigia's metric
// name.
func (m *FleetModel) level(metric string, v float64) paint {
	if math.IsNaN(v) || m.opts.Level == nil {
		return m.th.text
	}
	return m.th.level(m.opts.Level(metric, v))
}

func (m *FleetModel) hostRow(ln *row, h *fleet.Host, w [numFleetCols]int, selected bool) {
	t := m.th
	cell := func(c fleetCol, p paint, s string) {
		if w[c] == 0 {
			return
		}
		if selected {
			p = t.selected
		}
		ln.addPad(p, s, w[c], fleetColDefs()[c].right)
		if selected {
			ln.add(t.selected, " ")
		} else {
			ln.space(1)
		}
	}
	state, sp := m.tx.HostUp(), t.status[reading.Normal]
	if !h.Up {
		state, sp = m.tx.HostDown(), t.status[reading.Critical]
	}
	cell(fcHost, t.text, cut(text.Printable(h.Instance), w[fcHost]))
	cell(fcState, sp, state)
	cell(fcSince, t.dim, m.since(h))
	cell(fcCPU, m.level(reading.CPUUsage, h.CPU), pct(h.CPU))
	if w[fcSpark] > 0 {
		p := t.graph
		if selected {
			p = t.selected
		}
		ln.add(p, sparkline(h.CPUHistory, w[fcSpark])+" ")
	}
	cell(fcMem, m.level(reading.MemUsedPercent, h.Mem), pct(h.Mem))
	lpc := h.LoadPerCore()
	cell(fcLoad, m.level(reading.LoadPercent, lpc*100), twoDecimals(lpc))
	cell(fcFS, t.text, cut(text.Printable(h.FS), w[fcFS]))
	cell(fcFSPct, m.level(reading.FSUsedPercent, h.FSUsed), pct(h.FSUsed))
	full := "-"
	fp := t.dim
	if h.FSFull > 0 {
		full, fp = age(h.FSFull), t.status[reading.Warning]
		if h.FSFull < 24*time.Hour {
			fp = t.status[reading.Critical]
		}
	}
	cell(fcFull, fp, full)
	cell(fcRx, t.rx, rate(h.Rx))
	cell(fcTx, t.tx, rate(h.Tx))
	names := make([]string, len(h.Alerts))
	ap := t.text
	for i, a := range h.Alerts {
		names[i] = text.Printable(a.Name)
		if i == 0 {
			ap = t.status[reading.Warning]
			if fleet.SeverityLevel(a.Severity) == 2 {
				ap = t.status[reading.Critical]
			}
		}
	}
	alerts := strings.Join(names, ",")
	if alerts == "" {
		alerts, ap = "-", t.dim
	}
	cell(fcAlerts, ap, cut(alerts, w[fcAlerts]))
	v := text.Printable(h.Version)
	if v == "" {
		v = "-"
	}
	cell(fcVersion, t.dim, v)
}

// since writes how long a host has been in its state: ">1h" when it held
// through the whole lookback.
func (m *FleetModel) since(h *fleet.Host) string {
	if h.Young {
		return "<" + age(m.snap.Step)
	}
	if h.Since.IsZero() {
		return ">" + age(m.snap.Lookback)
	}
	return age(m.snap.At.Sub(h.Since))
}

// age writes a duration in its two largest units: 45s, 12m30s, 3h05m, 4d03h.
func age(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		if s%60 == 0 {
			return strconv.FormatInt(s/60, 10) + "m"
		}
		return strconv.FormatInt(s/60, 10) + "m" + twoDigits(int(s%60)) + "s"
	case s < 86400:
		if s%3600 == 0 {
			return strconv.FormatInt(s/3600, 10) + "h"
		}
		return strconv.FormatInt(s/3600, 10) + "h" + twoDigits(int(s/60%60)) + "m"
	}
	return strconv.FormatInt(s/86400, 10) + "d" + twoDigits(int(s/3600%24)) + "h"
}

func twoDecimals(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// sparkline draws the newest w values of vs (0..100) as one line of
// blocks; a missing value is a blank.
func sparkline(vs []float64, w int) string {
	if len(vs) > w {
		vs = vs[len(vs)-w:]
	}
	var b strings.Builder
	for range w - len(vs) {
		b.WriteByte(' ')
	}
	for _, v := range vs {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		c := block(v / 100)
		if c == " " {
			c = "▁" // idle is still a sample, unlike a gap
		}
		b.WriteString(c)
	}
	return b.String()
}

// paneLines is the detail pane: the selected host's labels and alerts,
// and four graphs of its history from Prometheus.
func (m *FleetModel) paneLines(n int) []string {
	t := m.th
	out := make([]string, 0, n)
	h, ok := m.table.selected()
	if !ok {
		return out
	}
	out = append(out, title(t, text.Printable(m.tx.FleetHistory(h.Instance, age(m.opts.History))), m.labelsLine(&h), m.w))
	ln := newRow(m.w)
	switch {
	case m.hist == nil:
		ln.add(t.dim, m.tx.FleetLoading())
		return append(out, ln.done())
	case m.hist.Err != nil:
		ln.add(t.status[reading.Warning], text.Printable(m.hist.Err.Error()))
		return append(out, ln.done())
	}
	parts := m.tx.FleetHistoryParts()
	hs := m.hist
	colW := m.w / 2
	rows := (n - 1) / 2
	graphRows := max(rows-1, 1)
	type g struct {
		name  string
		now   string
		s     []fleet.Sample
		top   float64
		paint paint
	}
	cores := float64(max(h.Cores, 1))
	gs := []g{
		{parts[0], lastOf(hs.CPU, pct) + "%", hs.CPU, 100, t.graph},
		{parts[1], lastOf(hs.Mem, pct) + "%", hs.Mem, 100, t.graph},
		{parts[2], lastOf(hs.Load, twoDecimals), hs.Load, max(cores, peak(hs.Load)), t.graph},
		{parts[3], lastOf(hs.Rx, rate) + " / " + lastOf(hs.Tx, rate), hs.Rx, peak(hs.Rx), t.rx},
	}
	for r := 0; r < 2; r++ {
		var blocks [2][]string
		for c := 0; c < 2; c++ {
			gg := gs[2*r+c]
			gw := colW - 1
			ring := newRing(2 * gw)
			for _, s := range gg.s {
				ring.push(s.V)
			}
			blocks[c] = append([]string{title(t, gg.name, gg.now, gw)}, graph(&ring, gw, graphRows, gg.top, gg.paint)...)
		}
		for i := range blocks[0] {
			ln.reset(m.w)
			ln.raw(blocks[0][i], colW-1)
			ln.space(1)
			ln.raw(blocks[1][i], colW-1)
			out = append(out, ln.done())
		}
	}
	return out
}

// labelsLine lists a host's labels but instance, and its alerts.
func (m *FleetModel) labelsLine(h *fleet.Host) string {
	var b strings.Builder
	for _, k := range sortedKeys(h.Labels) {
		if k == "instance" {
			continue
		}
		b.WriteString(k + "=" + h.Labels[k] + " ")
	}
	return text.Printable(strings.TrimSpace(b.String()))
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func lastOf(s []fleet.Sample, f func(float64) string) string {
	if len(s) == 0 {
		return "-"
	}
	return f(s[len(s)-1].V)
}

func peak(s []fleet.Sample) float64 {
	p := 0.0
	for _, x := range s {
		if !math.IsNaN(x.V) {
			p = max(p, x.V)
		}
	}
	return p
}

// helpLines lists every key of the fleet view.
func (m *FleetModel) helpLines() []string {
	t := m.th
	lines := []string{title(t, m.tx.HelpTitle(), m.tx.HelpBack(), m.w)}
	all := m.keys.list(actUp, actDown, actPageUp, actPageDown, actHome, actEnd, actDetail)
	all = append(all, m.historyBinding())
	all = append(all, m.keys.list(actFilter, actTree, actSortNext, actSortPrev, actSortCPU, actSortMem, actSortPID,
		actSortTime, actSortUser, actReverse, actIntervalUp, actIntervalDown, actHelp, actQuit)...)
	return append(lines, helpGrid(t, m.w, all)...)
}

// statusBar: the filter being typed, a message, or the main keys and the
// count of hosts shown.
func (m *FleetModel) statusBar() string {
	t := m.th
	ln := newRow(m.w)
	tb := &m.table
	info := ""
	if !tb.typing && len(tb.hosts) > 0 {
		info = tb.shownInfo(m.tx.FleetShown(tb.shown, len(tb.hosts)))
	}
	switch {
	case tb.typing:
		tb.addPrompt(ln, t, m.tx)
	case m.message != "":
		ln.add(t.status[reading.Normal], m.message)
	default:
		hint := append(m.keys.list(actHelp, actFilter, actDetail), m.historyBinding())
		hint = append(hint, m.keys.list(actTree, actSortNext, actQuit)...)
		for _, b := range fitHints(hint, ln.room()-textWidth(info)-2) {
			ln.add(t.accent, hintKey(b))
			ln.add(t.dim, " "+b.Help().Desc+"  ")
		}
	}
	if info != "" {
		if room := ln.room() - textWidth(info); room > 0 {
			ln.space(room)
			ln.add(t.dim, info)
		}
	}
	return ln.done()
}
