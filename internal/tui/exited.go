package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// The exited view: the processes that exited between the last two
// readings of the process table, busiest first, from the kernel's process
// events. Without the capability to listen to them it says so instead.
// Its title says whether CPU and I/O come from taskstats or /proc.

// exitedKey handles a key in the exited view: its own key, esc or q go
// back.
func (m *Model) exitedKey(msg tea.KeyPressMsg, a action) tea.Cmd {
	switch {
	case msg.Code == tea.KeyEscape || msg.String() == "q" || a == actExited:
		m.view = viewMain
	case a == actQuit:
		return tea.Quit
	case a == actHelp:
		m.view = viewHelp
	}
	return nil
}

// exitedWidths are the columns before the command.
var exitedWidths = [7]int{7, 7, 8, 8, 7, 7, 11}

func (m *Model) viewExited() string {
	t := m.th
	lines := make([]string, 0, m.h)
	lines = append(lines, m.header())
	var ex *reading.Exits
	if r := m.last[reading.SensorProcesses]; r != nil {
		ex = r.Exits
	}
	ln := newRow(m.w)
	say := func(p paint, s string) {
		ln.reset(m.w)
		ln.add(p, s)
		lines = append(lines, ln.done())
	}
	switch {
	case ex == nil:
		lines = append(lines, title(t, m.tx.ExitedTitle(0), "", m.w))
		say(t.dim, m.tx.ExitedNoSource())
	case !ex.Watching:
		lines = append(lines, title(t, m.tx.ExitedTitle(0), "", m.w))
		say(t.status[reading.Warning], m.tx.ExitedUnseen())
	default:
		// The history does not keep where CPU and I/O came from.
		source := m.tx.ExitedSource(ex.Taskstats)
		if m.replay != nil {
			source = ""
		}
		lines = append(lines, title(t, m.tx.ExitedTitle(len(ex.Processes)+ex.Lost+ex.Summed), source, m.w))
		heads := m.tx.ExitedColumns()
		ln.reset(m.w)
		for i, w := range exitedWidths {
			ln.addPad(t.header, heads[i], w, true)
			ln.space(1)
		}
		ln.add(t.header, heads[7])
		lines = append(lines, ln.done())
		if len(ex.Processes) == 0 && ex.Summed == 0 {
			say(t.dim, m.tx.ExitedNone())
		}
		rows := slices.Clone(ex.Processes)
		slices.SortStableFunc(rows, func(a, b reading.ExitedProcess) int {
			if c := cmp.Compare(b.CPUTime, a.CPUTime); c != 0 {
				return c
			}
			return a.Exit.Compare(b.Exit)
		})
		room := m.h - 1 - len(lines)
		if ex.Lost > 0 {
			room--
		}
		if ex.Summed > 0 {
			room--
		}
		if ex.TaskstatsLost > 0 {
			room--
		}
		for i, e := range rows {
			if i == room-1 && len(rows) > room {
				say(t.dim, "… "+strconv.Itoa(len(rows)-i))
				break
			}
			if i >= room {
				break
			}
			cpu, rd, wr := "-", "-", "-"
			if e.Final {
				cpu, rd, wr = cpuTime(e.CPUTime), bytesIEC(float64(e.ReadBytes)), bytesIEC(float64(e.WriteBytes))
			}
			how := m.tx.ExitHow(e.Status, e.Signal, e.CoreDumped)
			howPaint := t.text
			if e.Signal != 0 || e.Status != 0 {
				howPaint = t.status[reading.Warning]
			}
			cells := [7]string{strconv.Itoa(int(e.PID)), strconv.Itoa(int(e.PPID)), cpuTime(e.Lifetime), cpu, rd, wr, how}
			ln.reset(m.w)
			for j, w := range exitedWidths {
				p := t.text
				if j == 6 {
					p = howPaint
				}
				ln.addPad(p, cells[j], w, true)
				ln.space(1)
			}
			cl := text.Printable(e.Cmdline)
			if cl == "" {
				cl = "[" + text.Printable(e.Comm) + "]"
			}
			ln.add(t.text, cut(cl, max(0, ln.room())))
			lines = append(lines, ln.done())
		}
		if ex.Summed > 0 {
			say(t.dim, m.tx.ExitedSummed(ex.Summed, cpuTime(ex.SummedCPU)))
		}
		if ex.Lost > 0 {
			say(t.status[reading.Warning], m.tx.ExitedLost(ex.Lost))
		}
		if ex.TaskstatsLost > 0 {
			say(t.status[reading.Warning], m.tx.ExitedAcctLost(ex.TaskstatsLost))
		}
	}
	blank := strings.Repeat(" ", m.w)
	for len(lines) < m.h-1 {
		lines = append(lines, blank)
	}
	lines = append(lines[:m.h-1], m.statusBar())
	return strings.Join(lines, "\n")
}

// forkRate is the status bar's process churn, "" before the processes
// sensor has measured it.
func (m *Model) forkRate() string {
	r := m.last[reading.SensorProcesses]
	if r == nil {
		return ""
	}
	v, ok := r.Value(reading.ProcsForks)
	if !ok {
		return ""
	}
	return "  " + m.tx.ForkRate(strconv.FormatFloat(v, 'f', 0, 64))
}
