package tui

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// openDetail shows the selected process and asks the inspector for what
// the table does not have.
func (m *Model) openDetail() tea.Cmd {
	p, ok := m.table.selected()
	if !ok {
		m.say(true, m.tx.NoSelection())
		return nil
	}
	m.view = viewDetail
	m.detail = &detailMsg{pid: p.PID, detail: reading.ProcessDetail{Process: *p}}
	return m.inspect(p.PID)
}

func (m *Model) inspect(pid int32) tea.Cmd {
	in := m.opts.Inspector
	if in == nil {
		return nil
	}
	return func() tea.Msg {
		d, err := in.Detail(pid)
		return detailMsg{pid: pid, detail: d, err: err}
	}
}

// refreshDetail re-reads the open detail view when a new process list
// arrives, so it stays as live as the table.
func (m *Model) refreshDetail(batch readingsMsg) tea.Cmd {
	if m.view != viewDetail || m.detail == nil {
		return nil
	}
	for i := range batch {
		if batch[i].Sensor == reading.SensorProcesses {
			return m.inspect(m.detail.pid)
		}
	}
	return nil
}

// viewDetail is the full-screen page of one process.
func (m *Model) viewDetail() string {
	t := m.th
	d := m.detail
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	ln := newRow(m.w)
	if d == nil {
		return strings.Join(append(lines, m.statusBar()), "\n")
	}
	p := &d.detail
	lines = append(lines, title(t, m.tx.Process(d.pid, text.Printable(p.Comm)), "", m.w))
	field := func(name string, parts ...string) {
		ln.reset(m.w)
		ln.add(t.dim, padRight(m.tx.Field(name), 14))
		for i, s := range parts {
			if i%2 == 0 {
				ln.add(t.text, s)
			} else {
				ln.add(t.dim, s)
			}
		}
		lines = append(lines, ln.done())
	}
	if d.err != nil {
		ln.reset(m.w)
		msg := m.tx.CannotRead(d.pid, d.err)
		if errors.Is(d.err, syscall.ESRCH) || errors.Is(d.err, os.ErrNotExist) {
			msg = m.tx.Exited(d.pid)
		}
		ln.add(t.status[reading.Warning], msg)
		lines = append(lines, ln.done())
	}
	// The command line wraps: it is the one field people come here for.
	cl := text.Printable(p.Cmdline)
	if cl == "" {
		cl = "[" + text.Printable(p.Comm) + "]"
	}
	wrapW := max(10, m.w-14)
	for n := 0; cl != "" || n == 0; n++ {
		if n == max(2, m.h/5) {
			field("", m.tx.MoreChars(textWidth(cl)))
			break
		}
		first := n == 0
		part := cl
		if textWidth(part) > wrapW {
			part = cutRunes(part, wrapW)
		}
		cl = cl[len(part):]
		name := ""
		if first {
			name = "Command"
		}
		field(name, part)
	}
	if p.Exe != "" {
		field("Executable", text.Printable(p.Exe))
	}
	if p.Cwd != "" {
		field("Directory", text.Printable(p.Cwd))
	}
	uid := "uid " + strconv.FormatUint(uint64(p.UID), 10)
	if p.User == "" {
		field("User", uid)
	} else {
		field("User", text.Printable(p.User), " ("+uid+")")
	}
	st := m.tx.State(p.State)
	field("State", text.Printable(p.State), " "+st)
	field("Parent", strconv.Itoa(int(p.PPID)))
	if !p.Start.IsZero() {
		since := ""
		if !m.now.IsZero() && m.now.After(p.Start) {
			since = m.tx.Ago(cpuTime(m.now.Sub(p.Start).Seconds()))
		}
		field("Started", p.Start.Format("2006-01-02 15:04:05"), since)
	}
	field("Threads", strconv.Itoa(int(p.Threads)))
	field("CPU", m.tx.CPUUse(pct(p.CPUPercent), cpuTime(p.CPUTime))...)
	if p.ChildrenCPUTime > 0 || p.ChildrenCPUPercent > 0 {
		// Work of children that exited and were waited for: a shell's
		// short jobs, gone before any row could show them.
		field("Children CPU", m.tx.CPUUse(pct(p.ChildrenCPUPercent), cpuTime(p.ChildrenCPUTime))...)
	}
	field("Memory", m.tx.MemUse(bytesIEC(float64(p.RSS)), pct(p.MemPercent), bytesIEC(float64(p.VMSize)))...)
	field("Nice", strconv.Itoa(int(p.Nice)))
	if m.opts.Inspector != nil && d.err == nil {
		hidden := func(f string) bool { return slices.Contains(p.Unreadable, f) }
		switch {
		case hidden("open_files"):
			field("Open files", "", m.tx.Unreadable())
		default:
			field("Open files", strconv.Itoa(p.OpenFiles))
		}
		switch {
		case hidden("io_read_bytes"):
			field("I/O", "", m.tx.Unreadable())
		default:
			field("I/O", m.tx.IOUse(bytesIEC(float64(p.ReadBytes)), bytesIEC(float64(p.WriteBytes)))...)
		}
		if hidden("exe") || hidden("cwd") {
			field("Not readable", "", m.tx.UnreadablePaths())
		}
	}
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = append(lines[:m.h-1], m.statusBar())
	return strings.Join(lines, "\n")
}

// cutRunes returns the longest prefix of s at most w cells wide, whole
// runes only.
func cutRunes(s string, w int) string {
	n := 0
	for i, r := range s {
		rw := textWidth(string(r))
		if n+rw > w {
			return s[:i]
		}
		n += rw
	}
	return s
}
