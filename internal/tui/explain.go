package tui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// Explainer ranks what changed in [from, to) against [before, from) from
// what was recorded; the history store satisfies it. It is called off the
// UI goroutine and may take a moment.
type Explainer interface {
	Explain(before, from, to time.Time) (explain.Result, error)
}

// explainMsg is the Explainer's answer for the explain view; pending
// until it comes.
type explainMsg struct {
	from, to time.Time
	res      explain.Result
	err      error
	pending  bool
}

// openExplain asks what changed in the minute up to the newest reading
// (in a replay, the minute up to where it stands, or the span from the
// mark) against the four times as long before.
func (m *Model) openExplain() tea.Cmd {
	from, to := explain.At(m.now)
	if f, t, ok := m.replaySpan(); ok {
		from, to = f, t
	}
	m.view, m.explainOffset = viewExplain, 0
	m.explained = &explainMsg{from: from, to: to, pending: true}
	ex := m.opts.Explainer
	if ex == nil || m.now.IsZero() {
		m.explained.pending = false
		return nil
	}
	return func() tea.Msg {
		before, _ := explain.Before(from, to)
		res, err := ex.Explain(before, from, to)
		return explainMsg{from: from, to: to, res: res, err: err}
	}
}

// viewExplain is the full-screen page of what changed: per resource the
// largest rises, then the largest falls, each with its share; the
// processes that ended; the events.
// It scrolls when longer than the screen.
func (m *Model) viewExplain() string {
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	e := m.explained
	if e == nil {
		e = &explainMsg{}
	}
	at := func(tm time.Time) string { return tm.Format(time.TimeOnly) }
	lines = append(lines, title(m.th, m.tx.ExplainTitle(at(e.from), at(e.to), e.to.Sub(e.from).String(), at(e.from.Add(-explain.BeforeFactor*e.to.Sub(e.from)))), "", m.w))
	body, rows := m.explainBody(), m.explainRows()
	off := max(0, min(m.explainOffset, len(body)-rows))
	lines = append(lines, body[off:min(len(body), off+rows)]...)
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = append(lines[:m.h-1], m.statusBar())
	return strings.Join(lines, "\n")
}

// explainRows is how many lines of the explain page fit under its header
// and title, above the status bar.
func (m *Model) explainRows() int { return max(1, m.h-3) }

// explainBody is the explain page under its title, every line of it.
func (m *Model) explainBody() []string {
	t := m.th
	var lines []string
	ln := newRow(m.w)
	say := func(p paint, s string) {
		ln.reset(m.w)
		ln.add(p, s)
		lines = append(lines, ln.done())
	}
	e := m.explained
	if e == nil {
		e = &explainMsg{}
	}
	at := func(tm time.Time) string { return tm.Format(time.TimeOnly) }
	switch {
	case m.opts.Explainer == nil:
		say(t.status[reading.Warning], m.tx.ExplainNeedsRecording())
	case e.pending:
		say(t.dim, m.tx.Explaining())
	case e.err != nil:
		say(t.status[reading.Warning], m.tx.ExplainFailed(e.err))
	default:
		r := e.res
		if r.NoBaseline {
			say(t.dim, m.tx.ExplainNoBaseline())
		}
		shown := false
		for _, rk := range r.Ranked {
			shown = m.explainRanked(&lines, ln, rk, 32, func(l explain.Line) string {
				return m.tx.ExplainSubject(l.Name, l.PID, l.Started, l.Exited)
			}) || shown
		}
		if !shown {
			say(t.dim, m.tx.ExplainNothing())
		}
		if len(r.Cgroups) > 0 {
			say(t.text, m.tx.ExplainCgroups())
			for _, rk := range r.Cgroups {
				m.explainRanked(&lines, ln, rk, 40, func(l explain.Line) string { return text.Printable(l.Name) })
			}
		}
		if ex := r.Exited; ex.Count > 0 {
			say(t.text, m.tx.ExplainExited(ex.Count, ex.CPUSeconds, ex.Delta))
			for _, e := range ex.Processes {
				ln.reset(m.w)
				ln.add(t.text, "  "+padRight(m.tx.ExplainSubject(e.Name, e.PID, false, false), 32)+" ")
				ln.add(t.dim, m.tx.ExplainExit(e.PPID, e.Lifetime, e.CPUSeconds, e.Share, e.Signal))
				lines = append(lines, ln.done())
			}
		}
		if r.Exited.Lost > 0 {
			say(t.status[reading.Warning], "  "+m.tx.ExitsLost(r.Exited.Lost))
		}
		if len(r.Events) > 0 {
			say(t.text, m.tx.ExplainEvents())
			for _, ev := range r.Events {
				switch {
				case ev.Transition != nil:
					say(t.status[ev.Transition.To], "  "+at(ev.Time)+"  "+text.Printable(m.tx.Alert(ev.Transition)))
				case ev.Event != nil:
					say(t.text, "  "+at(ev.Time)+"  "+padRight(m.tx.EventKind(ev.Event.Kind), 10)+" "+m.tx.EventLine(*ev.Event))
				}
			}
			if r.MoreEvents > 0 {
				say(t.dim, "  "+m.tx.ExplainMoreEvents(r.MoreEvents))
			}
		}
	}
	return lines
}

// explainRanked adds one resource's rises and falls to lines, each named
// by name in a column width wide, and reports whether it added any.
func (m *Model) explainRanked(lines *[]string, ln *row, rk explain.Ranked, width int, name func(explain.Line) string) bool {
	t := m.th
	res := string(rk.Resource)
	shown := false
	for _, part := range []struct {
		total float64
		lines []explain.Line
	}{{rk.Rise, rk.Rose}, {rk.Fall, rk.Fell}} {
		if len(part.lines) == 0 {
			continue
		}
		shown = true
		ln.reset(m.w)
		ln.add(t.text, m.tx.ExplainHead(res, part.total))
		*lines = append(*lines, ln.done())
		for _, l := range part.lines {
			ln.reset(m.w)
			ln.add(t.text, "  "+padRight(name(l), width)+" ")
			ln.add(t.dim, m.tx.ExplainChange(res, l.Delta, l.Share))
			*lines = append(*lines, ln.done())
		}
	}
	return shown
}
