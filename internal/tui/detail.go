package tui

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vigia-dev/vigia/internal/reading"
)

// openDetail shows the selected process and asks the inspector for what
// the table does not have.
func (m *Model) openDetail() tea.Cmd {
	p, ok := m.table.selected()
	if !ok {
		m.say(true, "no process selected")
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

// stateName spells out a /proc state letter.
func stateName(s string) string {
	switch s {
	case "R":
		return "running"
	case "S":
		return "sleeping"
	case "D":
		return "waiting on disk"
	case "Z":
		return "zombie"
	case "T":
		return "stopped"
	case "t":
		return "stopped by a tracer"
	case "X":
		return "dead"
	case "I":
		return "idle"
	}
	return ""
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
	lines = append(lines, title(t, "Process "+strconv.Itoa(int(d.pid))+" "+clean(p.Comm), "", m.w))
	field := func(name string, parts ...string) {
		ln.reset(m.w)
		ln.add(t.dim, padRight(name, 14))
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
		msg := "cannot read process " + strconv.Itoa(int(d.pid)) + ": " + d.err.Error()
		if errors.Is(d.err, syscall.ESRCH) || errors.Is(d.err, os.ErrNotExist) {
			msg = "process " + strconv.Itoa(int(d.pid)) + " has exited"
		}
		ln.add(t.status[reading.Warning], msg)
		lines = append(lines, ln.done())
	}
	// The command line wraps: it is the one field people come here for.
	cl := clean(p.Cmdline)
	if cl == "" {
		cl = "[" + clean(p.Comm) + "]"
	}
	wrapW := max(10, m.w-14)
	for n := 0; cl != "" || n == 0; n++ {
		if n == max(2, m.h/5) {
			field("", "… "+strconv.Itoa(textWidth(cl))+" more characters")
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
		field("Executable", clean(p.Exe))
	}
	if p.Cwd != "" {
		field("Directory", clean(p.Cwd))
	}
	uid := "uid " + strconv.FormatUint(uint64(p.UID), 10)
	if p.User == "" {
		field("User", uid)
	} else {
		field("User", clean(p.User), " ("+uid+")")
	}
	st := stateName(p.State)
	field("State", clean(p.State), " "+st)
	field("Parent", strconv.Itoa(int(p.PPID)))
	if !p.Start.IsZero() {
		since := ""
		if !m.now.IsZero() && m.now.After(p.Start) {
			since = " (" + cpuTime(m.now.Sub(p.Start).Seconds()) + " ago)"
		}
		field("Started", p.Start.Format("2006-01-02 15:04:05"), since)
	}
	field("Threads", strconv.Itoa(int(p.Threads)))
	field("CPU", pct(p.CPUPercent)+"%", " now, ", cpuTime(p.CPUTime), " in all")
	field("Memory", bytesIEC(float64(p.RSS)), " resident, ", pct(p.MemPercent)+"%", " of RAM, ", bytesIEC(float64(p.VMSize)), " virtual")
	field("Nice", strconv.Itoa(int(p.Nice)))
	if m.opts.Inspector != nil && d.err == nil {
		hidden := func(f string) bool { return slices.Contains(p.Unreadable, f) }
		switch {
		case hidden("open_files"):
			field("Open files", "", "not readable (another user's process)")
		default:
			field("Open files", strconv.Itoa(p.OpenFiles))
		}
		switch {
		case hidden("io_read_bytes"):
			field("I/O", "", "not readable (another user's process)")
		default:
			field("I/O", bytesIEC(float64(p.ReadBytes)), " read, ", bytesIEC(float64(p.WriteBytes)), " written")
		}
		if hidden("exe") || hidden("cwd") {
			field("Not readable", "", "executable and directory (another user's process)")
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
