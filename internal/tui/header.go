package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// header is the top line: host, refresh, CPU % normalisation, what vigia
// itself costs, and the time of the newest reading.
func (m *Model) header() string {
	t := m.th
	ln := newRow(m.w)
	ln.add(t.title, "vigia")
	host := m.opts.Hostname
	if m.opts.Remote != nil {
		host = m.remoteHost()
	}
	if host != "" {
		ln.add(t.text, " "+text.Printable(host))
	}
	if m.opts.Remote != nil {
		m.remoteHeader(ln)
	} else if m.replay != nil {
		state, _ := m.replayState()
		ln.group(part{t.accent, "  " + m.tx.Replaying() + " "}, part{t.text, state})
	} else {
		ln.group(part{t.dim, "  " + m.tx.Every() + " "}, part{t.text, interval(m.every)})
	}
	scale := m.tx.CoreScale()
	if !m.irix {
		scale = m.tx.AllCores(m.cores)
	}
	ln.group(part{t.dim, "  CPU% "}, part{t.text, scale})
	if r := m.last[reading.SensorSelf]; r != nil && r.Err == "" {
		cpu, _ := r.Value(reading.SelfCPU)
		if !m.irix && m.cores > 0 {
			cpu /= float64(m.cores)
		}
		rss := ""
		if v, ok := r.Value(reading.SelfRSS); ok {
			rss = " " + bytesIEC(v)
		}
		ln.group(part{t.dim, "  vigia "}, part{t.level(m.primaryLevel(r)), pct(cpu) + "%"}, part{t.text, rss})
	}
	d := m.health.QueueDropped
	for _, o := range m.health.Outputs {
		d += o.Dropped
	}
	if d > 0 {
		ln.add(t.status[reading.Warning], "  "+m.tx.Dropped(d))
	}
	// A recording that cannot reach the disk is said where vigia's own
	// state is: monitoring goes on, the history does not.
	if st := m.health.Store; st != nil && st.Err != "" {
		ln.add(t.status[reading.Critical], "  "+m.tx.HistoryFailing(clock(st.ErrSince)))
	}
	for _, n := range m.health.Notifiers {
		if n.LastFailed.After(n.LastSent) {
			ln.add(t.status[reading.Warning], "  "+m.tx.NotifierFailing(text.Printable(n.Name)))
			break
		}
	}
	clk := clock(m.now)
	if m.replay != nil {
		_, clk = m.replayState()
	}
	if room := ln.room() - len(clk); room > 0 {
		ln.space(room)
		ln.add(t.dim, clk)
	}
	return ln.done()
}

// statusBar is the bottom line: the filter being typed, a message, or a
// hint of the main keys.
func (m *Model) statusBar() string {
	t := m.th
	ln := newRow(m.w)
	tb := &m.table
	fe := &tb.filterEdit
	info, noted := "", false
	switch {
	case m.view == viewCgroups:
		fe = &m.cgroups.filterEdit
		if !fe.typing {
			info = fe.shownInfo(m.tx.CgroupCount(len(m.cgroups.rows), len(m.cgroups.groups)))
		}
	case m.view == viewMain && !tb.typing:
		info = tb.shownInfo(m.tx.ProcCount(len(tb.rows), len(tb.procs), m.replay != nil)) + m.forkRate()
		if tb.cgroup != "" {
			info = m.tx.InCgroup(text.Printable(tb.cgroupName)) + " " + info
		}
		// A count of only this user's processes must not pass for all.
		if r := m.last[reading.SensorProcesses]; r != nil && r.Note != "" {
			info, noted = text.Printable(m.tx.Note(r.Note))+"  "+info, true
		}
	}
	switch {
	case fe.typing:
		fe.addPrompt(ln, t, m.tx)
	case m.message != "":
		p := t.status[reading.Normal]
		if m.msgBad {
			p = t.status[reading.Warning]
		}
		ln.add(p, m.message)
	default:
		hint := m.keys.ShortHelp()
		switch {
		case m.view == viewDetail, m.view == viewEvents:
			hint = m.keys.detailShortHelp(m.view == viewDetail && m.opts.Signaller != nil)
		case m.view == viewCgroups:
			hint = m.keys.cgroupsShortHelp()
		case m.view == viewExplain, m.view == viewExited:
			hint = m.keys.detailShortHelp(false)
		case m.replay != nil:
			hint = m.keys.replayShortHelp()
		}
		room := ln.room()
		if m.replay != nil || noted || (m.view == viewMain && (tb.cgroup != "" || tb.filter != "")) {
			// A replay's note says what the recording lacks, the
			// processes' note why the count is short, and a group's name
			// or the filter why the table shows so few: each goes before
			// the hints that would crowd it out.
			room -= textWidth(info) + 3
		}
		for _, b := range fitHints(hint, room) {
			k, desc := hintKey(b), b.Help().Desc
			ln.add(t.accent, k)
			ln.add(t.dim, " "+desc+"  ")
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

// hintKey is how a hint names its key.
func hintKey(b key.Binding) string {
	if k := b.Help().Key; k != " " {
		return k
	}
	return "space"
}

// fitHints keeps the hints that fit whole in room, in their order: half
// a word reads as another word. The last hint (quit) is kept longest,
// then the first (help), then the others from the left, so a narrow
// terminal loses the least needed ones first.
func fitHints(hint []key.Binding, room int) []key.Binding {
	width := func(b key.Binding) int { return textWidth(hintKey(b)) + 1 + textWidth(b.Help().Desc) + 2 }
	keep := slices.Clone(hint)
	total := -2 // the last hint needs no gap after it
	for _, b := range keep {
		total += width(b)
	}
	for total > room && len(keep) > 0 {
		i := len(keep) - 2 // the rightmost but the last
		switch {
		case len(keep) == 1:
			i = 0
		case i == 0 && len(keep) == 2:
			i = 0 // the first goes before the last
		}
		total -= width(keep[i])
		keep = slices.Delete(keep, i, i+1)
	}
	return keep
}
