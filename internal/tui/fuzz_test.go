package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
)

// FuzzProcessNames feeds the table whatever a process may call itself and
// whatever a user may type as a filter: every frame must keep its size and
// no escape sequence from the data may reach the terminal.
func FuzzProcessNames(f *testing.F) {
	f.Add("bash", "/bin/bash -l", "alice", "ba", 80, 24)
	f.Add("evil\x1b[2J", "\x1b]0;title\x07 arg", "\x9b31m", "\x1b", 160, 50)
	f.Add("进程", "/usr/bin/进程 数据", "用户", "进", 100, 34)
	f.Add("", "", "", "", 20, 5)
	f.Add("\xff\xfe", "a\x00b\x00c", "r\u200bt", "\u0301", 81, 25)
	f.Fuzz(func(t *testing.T, comm, cmdline, user, filter string, w, h int) {
		w, h = 20+abs(w)%300, 5+abs(h)%100
		ps := []reading.Process{
			{PID: 1, Comm: comm, Cmdline: cmdline, User: user, State: comm, Threads: 1},
			{PID: 2, PPID: 1, Comm: cmdline, Cmdline: comm, User: filter, State: "R"},
		}
		rs := append(machine(true), procReading(base, ps))
		m := newModel(Options{Inspector: fakeInspector{}}, rs, w, h)
		m.Update(press("/"))
		m.Update(tea.PasteMsg{Content: filter})
		for _, k := range []tea.KeyPressMsg{press("enter"), press("t"), press("enter")} {
			frame := m.render()
			checkFrame(t, frame, w, h)
			for i := 0; i < len(frame); i++ {
				if frame[i] == 0x1b || frame[i] == 0x07 || frame[i] == 0 {
					t.Fatalf("control byte %#x reached the frame at %d", frame[i], i)
				}
			}
			m.Update(k)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -(n + 1)
	}
	return n
}
