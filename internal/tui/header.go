package tui

import (
	"github.com/vigia-dev/vigia/internal/reading"
)

// header is the top line: host, refresh, CPU % normalisation, what vigia
// itself costs, and the time of the newest reading.
func (m *Model) header() string {
	t := m.th
	ln := newRow(m.w)
	ln.add(t.title, "vigia")
	if m.opts.Hostname != "" {
		ln.add(t.text, " "+clean(m.opts.Hostname))
	}
	if m.replay != nil {
		state, _ := m.replayState()
		ln.add(t.accent, "  "+m.tx.Replaying()+" ")
		ln.add(t.text, state)
	} else {
		ln.add(t.dim, "  "+m.tx.Every()+" ")
		ln.add(t.text, interval(m.every))
	}
	ln.add(t.dim, "  CPU% ")
	if m.irix {
		ln.add(t.text, m.tx.CoreScale())
	} else {
		ln.add(t.text, m.tx.AllCores(m.cores))
	}
	if r := m.last[reading.SensorSelf]; r != nil && r.Err == "" {
		ln.add(t.dim, "  vigia ")
		cpu, _ := r.Value(reading.SelfCPU)
		if !m.irix && m.cores > 0 {
			cpu /= float64(m.cores)
		}
		ln.add(t.level(m.primaryLevel(r)), pct(cpu)+"%")
		if rss, ok := r.Value(reading.SelfRSS); ok {
			ln.add(t.text, " "+bytesIEC(rss))
		}
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
			ln.add(t.status[reading.Warning], "  "+m.tx.NotifierFailing(clean(n.Name)))
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
	switch {
	case tb.typing:
		ln.add(t.accent, m.tx.FilterPrompt())
		ln.add(t.text, clean(tb.filter))
		ln.add(t.accent, "▏")
		ln.add(t.dim, "  "+m.tx.FilterKeys())
	case m.message != "":
		p := t.status[reading.Normal]
		if m.msgBad {
			p = t.status[reading.Warning]
		}
		ln.add(p, m.message)
	default:
		hint := m.keys.ShortHelp()
		switch {
		case m.view == viewDetail:
			hint = m.keys.detailShortHelp(m.opts.Signaller != nil)
		case m.replay != nil:
			hint = m.keys.replayShortHelp()
		}
		for _, b := range hint {
			k := b.Help().Key
			if k == " " {
				k = "space"
			}
			// A hint that does not fit is left out whole: half a
			// word reads as another word.
			desc := b.Help().Desc
			if textWidth(k)+1+textWidth(desc) > ln.room() {
				break
			}
			ln.add(t.accent, k)
			ln.add(t.dim, " "+desc+"  ")
		}
	}
	if m.view == viewMain && !tb.typing {
		info := m.tx.ProcCount(len(tb.rows), len(tb.procs), m.replay != nil)
		if tb.filter != "" {
			info = "“" + clean(tb.filter) + "” " + info
		}
		if room := ln.room() - textWidth(info); room > 0 {
			ln.space(room)
			ln.add(t.dim, info)
		}
	}
	return ln.done()
}
