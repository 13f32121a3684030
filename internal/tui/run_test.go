package tui

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/reading"
)

// privateModeOn matches a DEC private mode being set.
var privateModeOn = regexp.MustCompile(`\x1b\[\?(\d+)h`)

// syncBuffer is an output the program writes from its own goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestRunRestoresTerminal runs the real program loop over pipes: it draws,
// and on the way out leaves the alternate screen, shows the cursor and
// stops mouse reporting, whether the engine stops or the context ends.
func TestRunRestoresTerminal(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"channel closed", "context cancelled"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			ch := make(chan reading.Reading, 16)
			for _, r := range machine(true)[len(machine(true))-8:] {
				ch <- r
			}
			in, inW := io.Pipe()
			defer inW.Close()
			out := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- Run(ctx, Options{Readings: ch, Input: in, Output: out, Environ: []string{"TERM=xterm-256color", "COLUMNS=120", "LINES=40"}})
			}()
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(out.String(), "COMMAND") {
				if time.Now().After(deadline) {
					t.Fatalf("no frame drawn:\n%q", out.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if how == "channel closed" {
				close(ch)
			} else {
				cancel()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run = %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return")
			}
			s := out.String()
			for _, seq := range []string{"\x1b[?1049h", "\x1b[?1049l", "\x1b[?25h", "\x1b[?1002l"} {
				if !strings.Contains(s, seq) {
					t.Errorf("output lacks %q", seq)
				}
			}
			// What the program turns on, leaveScreen must turn off for a
			// program that cannot.
			for _, on := range privateModeOn.FindAllStringSubmatch(s, -1) {
				if on[1] == "7" || on[1] == "25" {
					continue // autowrap and the cursor are on by default
				}
				if off := "\x1b[?" + on[1] + "l"; !strings.Contains(leaveScreen, off) {
					t.Errorf("the program sets mode %s, which leaveScreen does not reset", on[1])
				}
			}
			for on, off := range map[string]string{"\x1b[>4;": "\x1b[>4m", "\x1b[>1u": "\x1b[<1u"} {
				if strings.Contains(s, on) && !strings.Contains(leaveScreen, off) {
					t.Errorf("the program writes %q, which leaveScreen does not undo with %q", on, off)
				}
			}
			if i, j := strings.LastIndex(s, "\x1b[?1049h"), strings.LastIndex(s, "\x1b[?1049l"); j < i {
				t.Error("the alternate screen was entered again after it was left")
			}
		})
	}
}

func TestThemes(t *testing.T) {
	t.Parallel()
	frame := func(theme string, p colorprofile.Profile) string {
		m := New(Options{Config: configTheme(theme)}, p)
		m.Update(readingsMsg(machine(true)))
		m.Update(sizeMsg(160, 50))
		return m.render()
	}
	dark, light, mono := frame("dark", colorprofile.ANSI256), frame("light", colorprofile.ANSI256), frame("mono", colorprofile.ANSI256)
	if dark == light {
		t.Error("dark and light themes draw the same frame")
	}
	for name, f := range map[string]string{"dark": dark, "light": light} {
		if !strings.Contains(f, "\x1b[38;5;") {
			t.Errorf("%s theme has no colour", name)
		}
	}
	if strings.Contains(mono, "\x1b[38;5;") || strings.Contains(mono, "\x1b[48;5;") {
		t.Error("mono theme uses colour")
	}
	if !strings.Contains(mono, "\x1b[7m") {
		t.Error("mono theme does not reverse the selected row")
	}
	if !noColor([]string{"TERM=xterm", "NO_COLOR=1"}) || noColor([]string{"NO_COLOR="}) {
		t.Error("NO_COLOR is not read as https://no-color.org says (set and not empty)")
	}
}
