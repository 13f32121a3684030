package tui

import (
	"os/exec"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"
)

// frameModel shows its frame, whatever the message.
type frameModel struct{ frame string }

func (f *frameModel) Init() tea.Cmd                       { return nil }
func (f *frameModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return f, nil }
func (f *frameModel) View() tea.View                      { return tea.NewView(f.frame) }

// onTestScreen runs m on a two-row screen that writes to w, with no
// terminal for input.
func onTestScreen(t *testing.T, m tea.Model, w *writes) *onScreen {
	t.Helper()
	scr := newScreen(w, 2)
	term, err := takeTerminal(strings.NewReader(""), w, scr)
	if err != nil {
		t.Fatal(err)
	}
	return &onScreen{Model: m, scr: scr, term: term}
}

// TestOnScreen: every message is drawn when Update returns, a resize is
// drawn whole, and a child program is given the terminal as it was found
// and the screen is drawn whole after it.
func TestOnScreen(t *testing.T) {
	t.Parallel()
	var w writes
	m := &frameModel{frame: "one\ntwo"}
	o := onTestScreen(t, m, &w)
	term := o.term
	full := syncStart + clearScreen + "\x1b[1;1H\x1b[m\x1b[2Kone\x1b[2;1H\x1b[m\x1b[2Ktwo" + syncEnd

	o.Update(tea.KeyPressMsg{Code: 'x'})
	m.frame = "one\nTWO"
	o.Update(tea.KeyPressMsg{Code: 'y'})
	o.Update(tea.KeyPressMsg{Code: 'z'}) // nothing new
	want := []string{enterScreen, full, syncStart + "\x1b[2;1H\x1b[m\x1b[2KTWO" + syncEnd}
	if diff := cmp.Diff(want, []string(w)); diff != "" {
		t.Errorf("writes mismatch (-want +got):\n%s", diff)
	}

	w = nil
	o.Update(tea.WindowSizeMsg{Width: 3, Height: 1})
	want = []string{syncStart + clearScreen + "\x1b[1;1H\x1b[m\x1b[2Kone" + syncEnd}
	if diff := cmp.Diff(want, []string(w)); diff != "" {
		t.Errorf("writes after a resize mismatch (-want +got):\n%s", diff)
	}

	w = nil
	_, cmd := o.Update(handOverMsg{cmd: exec.Command("echo", "child"), done: func(error) tea.Msg { return nil }})
	if cmd == nil {
		t.Fatal("a hand-over gave no command to run")
	}
	c := &child{Cmd: exec.Command("echo", "child"), term: term}
	c.SetStdout(&w)
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	o.Update(tea.KeyPressMsg{Code: 'x'})
	want = []string{leaveScreen, "child\n", enterScreen, syncStart + clearScreen + "\x1b[1;1H\x1b[m\x1b[2Kone" + syncEnd}
	if diff := cmp.Diff(want, []string(w)); diff != "" {
		t.Errorf("writes around a child mismatch (-want +got):\n%s", diff)
	}

	w = nil
	term.restore()
	term.restore()
	term.take()
	m.frame = "three"
	o.Update(tea.KeyPressMsg{Code: 'x'})
	if diff := cmp.Diff([]string{leaveScreen}, []string(w)); diff != "" {
		t.Errorf("writes after the terminal was restored mismatch (-want +got):\n%s", diff)
	}
}

// panicModel panics in Update, as a bug would.
type panicModel struct{ frameModel }

func (p *panicModel) Update(tea.Msg) (tea.Model, tea.Cmd) { panic("bug") }

// TestOnScreenPanic: a panic in Update leaves the screen before it goes on
// to Bubble Tea, which prints it on the user's screen rather than on the
// alternate one.
func TestOnScreenPanic(t *testing.T) {
	t.Parallel()
	var w writes
	o := onTestScreen(t, &panicModel{}, &w)
	func() {
		defer func() {
			if r := recover(); r != "bug" {
				t.Errorf("recovered %v, want the model's panic", r)
			}
		}()
		o.Update(tea.KeyPressMsg{Code: 'x'})
	}()
	if diff := cmp.Diff([]string{enterScreen, leaveScreen}, []string(w)); diff != "" {
		t.Errorf("writes mismatch (-want +got):\n%s", diff)
	}
}
