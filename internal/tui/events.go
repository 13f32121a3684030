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
	if slices.ContainsFunc(r.Events, func(e reading.Event) bool { return notable(e.Kind) }) {
		m.ver["alerts"] = m.tick // the alerts panel shows them
	}
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

// eventsKey handles a key in the events view: back, scroll, quit.
func (m *Model) eventsKey(code rune, s string, a action) (quit bool) {
	switch {
	case code == tea.KeyEscape || s == "q" || a == actEvents:
		m.view = viewMain
	case a == actQuit:
		return true
	default:
		pageKey(&m.events.offset, a, max(1, m.h-3), len(m.events.evs))
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
		ln.add(eventPaint(t, e.Kind), padRight(m.tx.EventKind(e.Kind), 10)+" ")
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

// eventsInPanel is how many of the latest notable events the alerts panel
// shows under its alerts: the events pane of the main view.
const eventsInPanel = 3

// notable says whether an event is shown in the alerts panel: the kernel
// killing, throttling or stalling, not the churn of processes (the events
// view has those) nor alerts (the panel has them already).
func notable(k reading.EventKind) bool {
	return k == reading.EventOOMKill || k == reading.EventThrottled || k == reading.EventPressure
}

// notableEvents returns up to n of the latest notable events, newest
// first.
func (m *Model) notableEvents(n int) []*reading.Event {
	var out []*reading.Event
	for i := len(m.events.evs) - 1; i >= 0 && len(out) < n; i-- {
		if notable(m.events.evs[i].Kind) {
			out = append(out, &m.events.evs[i])
		}
	}
	return out
}

// appendEventLines adds the latest notable events to the alerts panel's
// lines while there is room.
func (m *Model) appendEventLines(lines []string, w, h int) []string {
	t := m.th
	r := newRow(w)
	for _, e := range m.notableEvents(eventsInPanel) {
		if len(lines) >= h {
			break
		}
		r.reset(w)
		r.add(t.dim, clock(e.Time)+" ")
		r.add(eventPaint(t, e.Kind), m.tx.EventKind(e.Kind)+" ")
		r.add(t.text, m.tx.EventLine(*e))
		lines = append(lines, r.done())
	}
	return lines
}

// eventPaint is the colour of a kind of event.
func eventPaint(t *theme, k reading.EventKind) paint {
	switch k {
	case reading.EventOOMKill:
		return t.status[reading.Critical]
	case reading.EventThrottled, reading.EventPressure, reading.EventAlert:
		return t.status[reading.Warning]
	}
	return t.text
}
