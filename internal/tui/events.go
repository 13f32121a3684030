package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
)

// eventsKept is how many events the dashboard keeps for its events view.
const eventsKept = 500

// eventLog is the dashboard's timeline: the events the readings carried
// and their alert transitions, oldest first, the oldest dropped past
// eventsKept. offset scrolls the view back from the newest.
type eventLog struct {
	evs    []reading.Event
	offset int
}

// addEvents keeps the events of r in time order; an alert transition
// is worded here, since one replayed from the history has only its
// English message.
func (m *Model) addEvents(r *reading.Reading) {
	l := &m.events
	if len(r.Events) == 0 && len(r.Transitions) == 0 {
		return
	}
	l.evs = append(l.evs, r.Events...)
	for _, tr := range r.Transitions {
		e := reading.TransitionEvent(tr)
		e.Detail = seriesName(tr.Metric, tr.Labels) + " " + m.tx.Level(tr.From) + "→" + m.tx.Level(tr.To) + " " + trimFloat(tr.Value)
		l.evs = append(l.evs, e)
	}
	slices.SortStableFunc(l.evs, func(a, b reading.Event) int { return a.Time.Compare(b.Time) })
	if n := len(l.evs) - eventsKept; n > 0 {
		l.evs = append(l.evs[:0], l.evs[n:]...)
	}
}

// scroll moves the view by n events back in time (n < 0: forward).
func (l *eventLog) scroll(n, rows int) {
	l.offset = max(0, min(l.offset+n, len(l.evs)-rows))
}

// eventsKey handles a key in the events view: back, scroll, quit.
func (m *Model) eventsKey(code rune, s string, a action) (quit bool) {
	rows := max(1, m.h-3)
	switch {
	case code == tea.KeyEscape || s == "q" || a == actEvents:
		m.view = viewMain
	case a == actQuit:
		return true
	case a == actUp:
		m.events.scroll(-1, rows)
	case a == actDown:
		m.events.scroll(1, rows)
	case a == actPageUp:
		m.events.scroll(-rows, rows)
	case a == actPageDown:
		m.events.scroll(rows, rows)
	case a == actHome:
		m.events.offset = 0
	case a == actEnd:
		m.events.scroll(len(m.events.evs), rows)
	}
	return false
}

// viewEvents is the full-screen timeline, newest first: time, kind, and
// what happened where.
func (m *Model) viewEvents() string {
	t := m.th
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	lines = append(lines, title(t, m.tx.EventsTitle(), m.tx.EventCount(len(m.events.evs)), m.w))
	ln := newRow(m.w)
	if len(m.events.evs) == 0 {
		ln.reset(m.w)
		ln.add(t.dim, m.tx.NoEvents())
		lines = append(lines, ln.done())
	}
	for i := len(m.events.evs) - 1 - m.events.offset; i >= 0 && len(lines) < m.h-1; i-- {
		e := &m.events.evs[i]
		ln.reset(m.w)
		ln.add(t.dim, clock(e.Time)+"  ")
		p := t.text
		switch e.Kind {
		case reading.EventOOMKill:
			p = t.status[reading.Critical]
		case reading.EventThrottled, reading.EventPressure, reading.EventAlert:
			p = t.status[reading.Warning]
		}
		ln.add(p, padRight(m.tx.EventKind(e.Kind), 10)+" ")
		ln.add(t.text, m.tx.EventLine(*e))
		lines = append(lines, ln.done())
	}
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = append(lines, m.statusBar())
	return strings.Join(lines, "\n")
}
