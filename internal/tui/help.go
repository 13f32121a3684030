package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// viewHelp lists every key, in the groups of keyMap.FullHelp.
func (m *Model) viewHelp() string {
	t := m.th
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	lines = append(lines, title(t, m.tx.HelpTitle(), m.tx.HelpBack(), m.w))
	var all []key.Binding
	for _, g := range m.keys.FullHelp() {
		all = append(all, g...)
	}
	if m.replay != nil {
		all = append(all, m.keys.replayHelp()...)
	}
	lines = append(lines, helpGrid(t, m.w, all)...)
	ln := newRow(m.w)
	extra := m.tx.HelpExtra()
	lines = append(lines, strings.Repeat(" ", m.w))
	for _, e := range extra {
		ln.reset(m.w)
		ln.add(t.accent, padRight(e[0], 14))
		ln.add(t.text, e[1])
		lines = append(lines, ln.done())
	}
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	if len(lines) > m.h-1 {
		lines = lines[:max(0, m.h-1)]
	}
	lines = append(lines, m.statusBar())
	return strings.Join(lines, "\n")
}
