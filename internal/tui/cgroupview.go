package tui

import (
	"math"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// ingestCgroups takes a cgroups reading into the view's table.
func (m *Model) ingestCgroups(r *reading.Reading) {
	m.cgroups.setGroups(reading.Cgroups(r))
	m.cgroupsOmitted = 0
	if v, ok := r.Value(reading.CgroupsOmitted); ok {
		m.cgroupsOmitted = int(v)
	}
}

// openCgroups switches to the cgroups view, the selection on the group
// whose processes the table shows, if any.
func (m *Model) openCgroups() {
	m.view = viewCgroups
	if m.table.cgroup != "" {
		m.cgroups.selPath = m.table.cgroup
		m.cgroups.rebuild()
	}
}

// cgroupsKey handles a key in the cgroups view.
func (m *Model) cgroupsKey(msg tea.KeyPressMsg, a action) tea.Cmd {
	tb := &m.cgroups
	if tb.typing {
		filterKey(tb, msg)
		return nil
	}
	if m.replay != nil && a == actDetail {
		// The history keeps the top processes without their cgroup.
		m.say(true, m.tx.CgroupProcsNotRecorded())
		return nil
	}
	if m.replay != nil {
		if cmd, ok := m.replayKey(a); ok {
			return cmd
		}
	}
	switch {
	case msg.Code == tea.KeyEscape && tb.filter != "":
		tb.setFilter("")
		return nil
	case msg.Code == tea.KeyEscape || msg.String() == "q" || a == actCgroups:
		m.view = viewMain
		return nil
	}
	switch a {
	case actQuit:
		return tea.Quit
	case actHelp:
		m.view, m.helpFrom = viewHelp, viewCgroups
	case actDetail:
		if g, ok := tb.selected(); ok {
			m.table.setCgroup(g.Path, cgroupLabel(g))
			m.view = viewMain
		}
	case actFilter:
		tb.typing = true
	case actTree:
		tb.flat = !tb.flat
		tb.rebuild()
	case actSortNext:
		tb.setSort(tb.sortCol+1, false)
	case actSortPrev:
		tb.setSort(tb.sortCol+numCgCols-1, false)
	case actSortCPU:
		tb.setSort(cgCPU, true)
	case actSortMem:
		tb.setSort(cgMem, true)
	case actReverse:
		tb.reverse = !tb.reverse
		tb.rebuild()
	case actIntervalUp:
		m.stepInterval(true)
	case actIntervalDown:
		m.stepInterval(false)
	default:
		moveKey(tb, a, max(1, m.h-5))
	}
	return nil
}

// viewCgroups draws the cgroups view: the header, a title with what the
// cap left out, the table, the status bar.
func (m *Model) viewCgroups() string {
	t := m.th
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	info := ""
	if m.cgroupsOmitted > 0 {
		info = m.tx.CgroupsOmitted(m.cgroupsOmitted)
	}
	lines = append(lines, title(t, m.tx.CgroupsTitle(), info, m.w))
	lines = append(lines, m.cgroupTableLines(m.w, m.h-3)...)
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = lines[:max(0, m.h-1)]
	lines = append(lines, m.statusBar())
	return strings.Join(lines, "\n")
}

// cgroupTableLines draws the table's header and as many rows as fit in
// h lines, keeping the selection in sight.
func (m *Model) cgroupTableLines(w, h int) []string {
	th := m.th
	tb := &m.cgroups
	out := make([]string, 0, max(0, h))
	if h <= 0 {
		return out
	}
	defs := cgColDefs()
	cols := cgColumns(w)
	ln := newRow(w)
	ln.space(1)
	for _, c := range cols {
		d := defs[c]
		name := m.tx.CgroupColumn(d.title)
		p := th.header
		if c == tb.sortCol {
			p = th.sorted
			name += sortMark(d.desc, tb.reverse)
		}
		if d.width == 0 {
			if !tb.flat {
				name += m.tx.TreeMark()
			}
			ln.add(p, name)
			break
		}
		ln.addPad(p, name, d.width, true)
		ln.space(1)
	}
	out = append(out, ln.done())
	if len(tb.rows) == 0 {
		ln.reset(w)
		r := m.last[reading.SensorCgroups]
		switch {
		case r == nil && m.sensorOff(reading.SensorCgroups):
			ln.add(th.dim, m.tx.CgroupsOff())
		case r == nil:
			ln.add(th.dim, m.tx.CgroupsWaiting())
		case tb.filter != "":
			ln.add(th.dim, m.tx.CgroupNoMatch(text.Printable(tb.filter)))
		default:
			ln.add(th.dim, m.tx.CgroupsNone())
		}
		return append(out, ln.done())
	}
	tb.scroll(h - 1)
	for j := tb.offset; j < len(tb.rows) && len(out) < h; j++ {
		ln.reset(w)
		r := tb.rows[j]
		m.cgroupRow(ln, &tb.groups[r.i], r.prefix, cols, j == tb.sel)
		out = append(out, ln.done())
	}
	return out
}

// cgroupRow writes one group; the selected one in a single reversed paint.
func (m *Model) cgroupRow(ln *row, g *reading.Cgroup, prefix string, cols []cgCol, selected bool) {
	th := m.th
	plain, dim := th.text, th.dim
	if selected {
		plain, dim = th.selected, th.selected
		ln.add(plain, "›")
	} else {
		ln.space(1)
	}
	defs := cgColDefs()
	for _, c := range cols {
		p := plain
		s := "–" // a field the reading did not carry, not a zero
		switch c {
		case cgPSI:
			if v, res, ok := g.PressureMax(); ok {
				s = pct(v) + " " + res[:1]
			}
		case cgName:
			if prefix != "" {
				ln.add(dim, prefix)
			}
			ln.add(plain, text.Printable(cgroupLabel(g)))
			if g.Pod != "" && g.Container != "" {
				ln.add(dim, " pod "+text.Printable(g.Pod))
			}
			continue
		default:
			if v := cgField(g, c); v != nil {
				s = defs[c].format(*v)
			}
		}
		// The selected row is one reversed paint; elsewhere LIM% takes
		// its rule's level and OOM kills are critical.
		switch {
		case selected:
		case c == cgMemPct && g.MemPercent != nil:
			p = th.level(m.level(reading.SensorCgroups,
				&reading.Metric{Name: reading.CgroupsMemUsedPercent, Labels: g.Labels, Value: *g.MemPercent}))
		case c == cgOOM && g.OOMKills != nil && *g.OOMKills > 0:
			p = th.status[reading.Critical]
		}
		ln.addPad(p, s, defs[c].width, true)
		ln.add(plain, " ")
	}
	if selected {
		ln.add(th.selected, strings.Repeat(" ", max(0, ln.room())))
	}
}

// count writes a count of events or tasks compactly: 7, 12.3k, 4.5M.
func count(v float64) string {
	switch {
	case math.IsNaN(v) || v < 0:
		return "-"
	case v < 10000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v < 1e6:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case v < 1e9:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	}
	return strconv.FormatFloat(v/1e9, 'f', 1, 64) + "G"
}

// seconds writes a span of seconds in three significant digits and its
// unit: 33.5s, 13.5m, 2.25h, 4.0d.
func seconds(v float64) string {
	switch {
	case math.IsNaN(v) || v < 0:
		return "-"
	case v < 60:
		return trimFloat3(v) + "s"
	case v < 3600:
		return trimFloat3(v/60) + "m"
	case v < 86400:
		return trimFloat3(v/3600) + "h"
	}
	return trimFloat3(v/86400) + "d"
}

// trimFloat3 writes v with three significant digits below 1000.
func trimFloat3(v float64) string {
	switch {
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
