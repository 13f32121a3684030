package tui

import (
	"errors"
	"strconv"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// sigChoice is one entry of the signal menu; text.SignalHelp says what it
// does.
type sigChoice struct {
	name string
	sig  syscall.Signal
}

// signals are the menu's choices; TERM first, the default.
func signals() [6]sigChoice {
	return [6]sigChoice{
		{"TERM", syscall.SIGTERM},
		{"KILL", syscall.SIGKILL},
		{"INT", syscall.SIGINT},
		{"HUP", syscall.SIGHUP},
		{"STOP", syscall.SIGSTOP},
		{"CONT", syscall.SIGCONT},
	}
}

// openSignal opens the menu for the selected process (or the one in the
// detail view), and takes hold of it there: what the menu names is what a
// signal reaches, however long the user takes to confirm.
func (m *Model) openSignal() tea.Cmd {
	if m.opts.Signaller == nil {
		why := m.opts.NoSignals
		if why == "" {
			why = m.tx.NoSignals()
		}
		m.say(true, why)
		return nil
	}
	var p *reading.Process
	if m.view == viewDetail && m.detail != nil {
		p = &m.detail.detail.Process
		if p.PID == 0 {
			p = &reading.Process{PID: m.detail.pid}
		}
	} else if sel, ok := m.table.selected(); ok {
		p = sel
	}
	if p == nil {
		m.say(true, m.tx.NoSelection())
		return nil
	}
	m.releaseSignal()
	held, err := m.opts.Signaller.Hold(p.PID, p.Start)
	if err != nil {
		m.refused(procLabel(p.PID, text.Printable(p.Comm)), err)
		return nil
	}
	m.sigPID, m.sigName, m.sigCursor, m.sigHeld = p.PID, text.Printable(p.Comm), 0, held
	m.view, m.detail = viewSignal, nil
	return nil
}

// releaseSignal lets go of the process the menu held, if any.
func (m *Model) releaseSignal() {
	if m.sigHeld != nil {
		m.sigHeld.Release()
		m.sigHeld = nil
	}
}

func (m *Model) signalKey(msg tea.KeyPressMsg, a action) tea.Cmd {
	sigs := signals()
	if m.view == viewSignal {
		switch s := msg.String(); {
		case msg.Code == tea.KeyEscape || s == "q":
			m.view = viewMain
			m.releaseSignal()
		case a == actUp:
			m.sigCursor = (m.sigCursor + len(sigs) - 1) % len(sigs)
		case a == actDown:
			m.sigCursor = (m.sigCursor + 1) % len(sigs)
		case len(s) == 1 && s[0] >= '1' && int(s[0]-'0') <= len(sigs):
			m.sigCursor = int(s[0] - '1')
			m.view = viewConfirm
		case msg.Code == tea.KeyEnter:
			m.view = viewConfirm
		}
		return nil
	}
	switch msg.String() {
	case "y", "Y", "enter":
		m.view = viewMain
		held := m.sigHeld
		m.sigHeld = nil
		return sendSignal(held, m.sigPID, m.sigName, sigs[m.sigCursor])
	case "n", "N", "esc", "q":
		m.view = viewMain
		m.releaseSignal()
		m.say(false, m.tx.NoSignal())
	}
	return nil
}

// sendSignal signals the held process and then lets it go.
func sendSignal(h Held, pid int32, name string, c sigChoice) tea.Cmd {
	return func() tea.Msg {
		defer h.Release()
		return signalMsg{pid: pid, name: name, sig: c, err: h.Signal(c.sig)}
	}
}

// procLabel names a process in the status bar: "PID (name)".
func procLabel(pid int32, name string) string { return strconv.Itoa(int(pid)) + " (" + name + ")" }

// signalled reports the outcome in the status bar; a refusal is a message,
// never a failure of the dashboard.
func (m *Model) signalled(msg signalMsg) {
	w := procLabel(msg.pid, msg.name)
	switch {
	case msg.err == nil:
		m.say(false, m.tx.Sent(msg.sig.name, w))
	case errors.Is(msg.err, syscall.EPERM):
		m.say(true, m.tx.NotPermitted(msg.sig.name, w))
	case errors.Is(msg.err, syscall.ESRCH), errors.Is(msg.err, ErrReused):
		m.refused(w, msg.err)
	default:
		m.say(true, m.tx.SignalFailed(msg.sig.name, w, msg.err))
	}
}

// refused says why the process w cannot be signalled.
func (m *Model) refused(w string, err error) {
	switch {
	case errors.Is(err, ErrReused):
		m.say(true, m.tx.Reused(w))
	case errors.Is(err, syscall.ESRCH):
		m.say(true, m.tx.Gone(w))
	default:
		m.say(true, m.tx.NoHold(w, err))
	}
}

// overlaySignal draws the menu or the confirmation over the table's top
// rows.
func (m *Model) overlaySignal(lines []string) []string {
	t := m.th
	w := min(m.w, 52)
	indent := strings.Repeat(" ", max(0, (m.w-w)/2))
	var box []string
	ln := newRow(w)
	who := strconv.Itoa(int(m.sigPID)) + " " + m.sigName
	sigs := signals()
	if m.view == viewSignal {
		ln.add(t.menu, cut(m.tx.SignalMenu(who), w))
		ln.add(t.menu, strings.Repeat(" ", ln.room()))
		box = append(box, ln.done())
		for i, s := range sigs {
			ln.reset(w)
			p := t.text
			mark := "  "
			if i == m.sigCursor {
				p, mark = t.selected, "› "
			}
			ln.add(p, mark+strconv.Itoa(i+1)+" SIG"+padRight(s.name, 5)+" "+m.tx.SignalHelp(s.name))
			ln.add(p, strings.Repeat(" ", ln.room()))
			box = append(box, ln.done())
		}
		ln.reset(w)
		ln.add(t.dim, m.tx.SignalMenuKeys())
		box = append(box, ln.done())
	} else {
		ln.add(t.menu, cut(m.tx.SignalConfirm(sigs[m.sigCursor].name, who), w))
		ln.add(t.menu, strings.Repeat(" ", ln.room()))
		box = append(box, ln.done())
		ln.reset(w)
		ln.add(t.dim, m.tx.SignalConfirmKeys())
		box = append(box, ln.done())
	}
	out := make([]string, len(lines))
	copy(out, lines)
	pad := strings.Repeat(" ", max(0, m.w-w-len(indent)))
	for i, b := range box {
		if i+1 < len(out) {
			out[i+1] = indent + b + pad
		}
	}
	return out
}
