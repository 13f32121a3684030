package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
)

// quitWait bounds how long the program may take to leave once ctx is done
// before Run restores the terminal itself and returns: a signal must end
// the dashboard within 2 s, every time.
const quitWait = time.Second

// errStuck is returned when the program did not leave within quitWait.
var errStuck = errors.New("the dashboard did not stop in time; terminal restored without it")

// runProgram runs p until it quits or ctx is done. On ctx it kills p once
// (no final frame) and waits up to wait; past that, restore puts the
// terminal back and runProgram returns, leaving p's goroutines to the
// process's exit.
func runProgram(ctx context.Context, p *tea.Program, restore func(), wait time.Duration) error {
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	p.Kill()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		restore()
		return fmt.Errorf("after %v: %w", wait, errStuck)
	}
}

// enterScreen is what the dashboard turns on: the alternate screen, the
// hidden cursor, mouse clicks, drags and wheel in SGR encoding, bracketed
// paste (a paste is typed into the filter), and the key reporting Bubble
// Tea's input reader decodes (modifyOtherKeys and the kitty protocol's
// disambiguation, as its own renderer asked for them). Autowrap goes off:
// a line the terminal measures wider than vigia does (an emoji whose width
// the two disagree on) then loses its last cells instead of spilling onto
// the next row, or scrolling the screen from the last one.
const enterScreen = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[>4;2m\x1b[>1u"

// leaveScreen undoes enterScreen, and ends a synchronized update a write
// cut short may have left open.
const leaveScreen = "\x1b[?2026l\x1b[m\x1b[>4m\x1b[<1u\x1b[?1002l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l"

// terminal is the dashboard's hold on the terminal: Bubble Tea, its
// renderer off, reads the keys but neither makes the input raw nor
// switches screens, so the dashboard does both, and undoes them on every
// way out and around a program it hands the terminal to.
type terminal struct {
	mu  sync.Mutex
	out io.Writer
	scr *screen
	// fd and saved are the input's, when it is a terminal: saved is its
	// mode before raw.
	fd    uintptr
	saved *term.State
	held  bool
	gone  bool
}

// takeTerminal makes input raw when it is a terminal and turns
// enterScreen's modes on out; scr is what draws there.
func takeTerminal(input io.Reader, out io.Writer, scr *screen) (*terminal, error) {
	t := &terminal{out: out, scr: scr}
	if f, ok := input.(term.File); ok && term.IsTerminal(f.Fd()) {
		t.fd = f.Fd()
		st, err := term.GetState(t.fd)
		if err != nil {
			return nil, fmt.Errorf("terminal mode: %w", err)
		}
		t.saved = st
	}
	if err := t.take(); err != nil {
		return nil, err
	}
	return t, nil
}

// take makes the input raw and the screen the dashboard's again, to be
// drawn whole.
func (t *terminal) take() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.held || t.gone {
		return nil
	}
	if t.saved != nil {
		if _, err := term.MakeRaw(t.fd); err != nil {
			return fmt.Errorf("raw mode: %w", err)
		}
	}
	t.held = true
	t.scr.invalidate()
	_, err := io.WriteString(t.out, enterScreen)
	return err
}

// release gives the terminal back as it was found, for a while.
func (t *terminal) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.held {
		return
	}
	t.held = false
	io.WriteString(t.out, leaveScreen)
	if t.saved != nil {
		term.Restore(t.fd, t.saved)
	}
}

// restore gives the terminal back for good: nothing is drawn after it,
// even by a program that outlived its deadline. It may be called more
// than once, from any goroutine.
func (t *terminal) restore() {
	t.scr.close()
	t.mu.Lock()
	t.gone = true
	t.mu.Unlock()
	t.release()
}
