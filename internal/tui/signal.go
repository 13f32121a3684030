package tui

import (
	"errors"
	"strconv"
	"strings"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vigia-dev/vigia/internal/reading"
)

// sigChoice is one entry of the signal menu.
type sigChoice struct {
	name string
	sig  syscall.Signal
	help string
}

// signals are the menu's choices; TERM first, the default.
func signals() [6]sigChoice {
	return [6]sigChoice{
		{"TERM", syscall.SIGTERM, "ask to exit"},
		{"KILL", syscall.SIGKILL, "end at once"},
		{"INT", syscall.SIGINT, "interrupt, as Ctrl-C"},
		{"HUP", syscall.SIGHUP, "hang up, often reload"},
		{"STOP", syscall.SIGSTOP, "pause"},
		{"CONT", syscall.SIGCONT, "resume"},
	}
}

// openSignal opens the menu for the selected process (or the one in the
// detail view).
func (m *Model) openSignal() tea.Cmd {
	if m.opts.Signaller == nil {
		m.say(true, "sending signals is not available here")
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
		m.say(true, "no process selected")
		return nil
	}
	m.sigPID, m.sigName, m.sigCursor = p.PID, clean(p.Comm), 0
	m.view, m.detail = viewSignal, nil
	return nil
}

func (m *Model) signalKey(msg tea.KeyMsg, a action) tea.Cmd {
	sigs := signals()
	if m.view == viewSignal {
		switch s := msg.String(); {
		case msg.Type == tea.KeyEsc || s == "q":
			m.view = viewMain
		case a == actUp:
			m.sigCursor = (m.sigCursor + len(sigs) - 1) % len(sigs)
		case a == actDown:
			m.sigCursor = (m.sigCursor + 1) % len(sigs)
		case len(s) == 1 && s[0] >= '1' && int(s[0]-'0') <= len(sigs):
			m.sigCursor = int(s[0] - '1')
			m.view = viewConfirm
		case msg.Type == tea.KeyEnter:
			m.view = viewConfirm
		}
		return nil
	}
	switch msg.String() {
	case "y", "Y", "enter":
		m.view = viewMain
		return sendSignal(m.opts.Signaller, m.sigPID, m.sigName, sigs[m.sigCursor])
	case "n", "N", "esc", "q":
		m.view = viewMain
		m.say(false, "no signal sent")
	}
	return nil
}

func sendSignal(s Signaller, pid int32, name string, c sigChoice) tea.Cmd {
	return func() tea.Msg {
		return signalMsg{pid: pid, name: name, sig: c, err: s.Signal(pid, c.sig)}
	}
}

// signalled reports the outcome in the status bar; a refusal is a message,
// never a failure of the dashboard.
func (m *Model) signalled(msg signalMsg) {
	who := strconv.Itoa(int(msg.pid)) + " (" + msg.name + ")"
	switch {
	case msg.err == nil:
		m.say(false, "sent SIG%s to %s", msg.sig.name, who)
	case errors.Is(msg.err, syscall.ESRCH):
		m.say(true, "%s is already gone", who)
	case errors.Is(msg.err, syscall.EPERM):
		m.say(true, "not permitted to send SIG%s to %s (another user's process)", msg.sig.name, who)
	default:
		m.say(true, "SIG%s to %s failed: %v", msg.sig.name, who, msg.err)
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
		ln.add(t.menu, cut(" Send a signal to "+who, w))
		ln.add(t.menu, strings.Repeat(" ", ln.room()))
		box = append(box, ln.done())
		for i, s := range sigs {
			ln.reset(w)
			p := t.text
			mark := "  "
			if i == m.sigCursor {
				p, mark = t.selected, "› "
			}
			ln.add(p, mark+strconv.Itoa(i+1)+" SIG"+padRight(s.name, 5)+" "+s.help)
			ln.add(p, strings.Repeat(" ", ln.room()))
			box = append(box, ln.done())
		}
		ln.reset(w)
		ln.add(t.dim, " ↑↓ or 1-6 choose · enter confirm · esc cancel")
		box = append(box, ln.done())
	} else {
		ln.add(t.menu, cut(" Send SIG"+sigs[m.sigCursor].name+" to "+who+"?", w))
		ln.add(t.menu, strings.Repeat(" ", ln.room()))
		box = append(box, ln.done())
		ln.reset(w)
		ln.add(t.dim, " y or enter: send · n or esc: cancel")
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
