package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestTopMouseAndResizeInTmux: a click selects the process under it, the
// wheel moves the selection, and a window made wider and then narrower is
// drawn at each size. The dashboard replaces the pane's shell (exec): a
// shell would reflow its own lines at each resize.
func TestTopMouseAndResizeInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	p := newPane(t, "vigia-mouse", 160, 50)
	p.keys("exec "+vigiaBin+" top --interval 500ms", "Enter")
	p.waitFor("the process table", func(s string) bool { return strings.Contains(s, "COMMAND") && strings.Contains(s, " procs") })

	// A click selects the row under it: the dashboard turns SGR mouse
	// reporting on, and the pane passes the click's bytes on as a
	// terminal would. The panels grow as their first readings come, moving
	// the table down, so the row is aimed at again until a click lands.
	clicked := false
	for end := time.Now().Add(10 * time.Second); !clicked && time.Now().Before(end); {
		lines := strings.Split(p.screen(), "\n")
		header := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "COMMAND") })
		if header < 0 || header+2 >= len(lines) {
			continue
		}
		row := header + 2 // the second process, the first being selected
		pid, _, _ := strings.Cut(strings.TrimSpace(lines[row]), " ")
		p.keys("-l", fmt.Sprintf("\x1b[<0;20;%dM\x1b[<0;20;%dm", row+1, row+1))
		time.Sleep(200 * time.Millisecond)
		for _, l := range strings.Split(p.screen(), "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "›" && f[1] == pid {
				clicked = true
			}
		}
	}
	if !clicked {
		t.Errorf("a click on a process did not select it:\n%s", p.screen())
	}
	// A wider window is drawn at its new width: the clock at the header's
	// right end moves to the last column.
	p.run("resize-window", "-t", "top", "-x", "200", "-y", "50")
	p.waitFor("the frame at 200 columns", func(s string) bool {
		first, _, _ := strings.Cut(s, "\n")
		return utf8.RuneCountInString(strings.TrimRight(first, " ")) == 200
	})

	// The wheel moves the selection down a row a notch.
	selected := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "›" {
				return f[1]
			}
		}
		return ""
	}
	before := selected(p.screen())
	p.keys("-l", "\x1b[<65;20;30M\x1b[<65;20;30M")
	p.waitFor("the selection moved by the wheel", func(s string) bool { return selected(s) != "" && selected(s) != before })

	p.run("resize-window", "-t", "top", "-x", "100", "-y", "30")
	s := p.waitFor("the frame at 100×30", func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		first := strings.TrimRight(lines[0], " ")
		return utf8.RuneCountInString(first) == 100 && len(lines) == 30 && strings.Contains(lines[29], "q quit")
	})
	if strings.Contains(s, "\x1b") {
		t.Errorf("escape sequences on screen:\n%s", s)
	}
	p.keys("q")
}
