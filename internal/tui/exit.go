package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
// (no final frame; Bubble Tea restores the terminal) and waits up to wait;
// past that, restore puts the terminal back and runProgram returns, leaving
// p's goroutines to the process's exit.
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

// leaveScreen undoes what Run turns on: the key reporting of
// modifyOtherKeys and of the kitty protocol, mouse reporting (cell motion
// and SGR), bracketed paste, the hidden cursor and the alternate screen.
const leaveScreen = "\x1b[>4m\x1b[<1u\x1b[?1002l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[?1049l"

// saveTerminal records the terminal's mode before the program makes it
// raw, and returns what puts it back when the program cannot: the screen
// modes and, when input is the terminal on stdin, its termios.
func saveTerminal(input io.Reader, out io.Writer) func() {
	var fd uintptr
	var state *term.State
	if input == nil && term.IsTerminal(os.Stdin.Fd()) {
		fd = os.Stdin.Fd()
		state, _ = term.GetState(fd)
	}
	return func() {
		io.WriteString(out, leaveScreen)
		if state != nil {
			term.Restore(fd, state)
		}
	}
}
