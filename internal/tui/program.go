package tui

import (
	"context"
	"io"
	"os"
	"os/exec"
	"os/signal"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/term"
)

// onScreen is the model the program runs: the dashboard's, whose frame it
// draws on scr after every message, so a key is on screen as soon as it is
// handled and a message that changes nothing writes nothing. Bubble Tea's
// own renderer is off (it would redraw on a ticker), so View gives it
// nothing.
type onScreen struct {
	tea.Model
	scr  *screen
	term *terminal
}

func (o *onScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			// Bubble Tea prints the panic to stderr: on the user's screen,
			// not on the alternate one about to be left.
			o.term.restore()
			panic(r)
		}
	}()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		o.scr.resize(msg.Height)
	case handOverMsg:
		return o, tea.Exec(&child{Cmd: msg.cmd, term: o.term}, msg.done)
	}
	var cmd tea.Cmd
	o.Model, cmd = o.Model.Update(msg)
	// A terminal that cannot be written to has gone: the hangup that
	// follows ends the dashboard.
	_ = o.scr.draw(o.Model.View().Content)
	return o, cmd
}

func (o *onScreen) View() tea.View { return tea.View{} }

// handOverMsg asks for the terminal to be given to cmd until it exits;
// done makes the message that says it did.
type handOverMsg struct {
	cmd  *exec.Cmd
	done tea.ExecCallback
}

// handOver runs cmd on the dashboard's terminal, as tea.ExecProcess does
// for a program whose renderer Bubble Tea runs.
func handOver(cmd *exec.Cmd, done tea.ExecCallback) tea.Cmd {
	return func() tea.Msg { return handOverMsg{cmd: cmd, done: done} }
}

// child is a program given the terminal: Bubble Tea stops reading keys
// around Run, and Run gives the terminal back in its first state for the
// child's time, then takes it again to be drawn whole.
type child struct {
	*exec.Cmd
	term *terminal
}

func (c *child) Run() error {
	c.term.release()
	err := c.Cmd.Run()
	if terr := c.term.take(); err == nil {
		err = terr
	}
	return err
}

func (c *child) SetStdin(r io.Reader) {
	if c.Stdin == nil {
		c.Stdin = r
	}
}

func (c *child) SetStdout(w io.Writer) {
	if c.Stdout == nil {
		c.Stdout = w
	}
}

func (c *child) SetStderr(w io.Writer) {
	if c.Stderr == nil {
		c.Stderr = w
	}
}

// watchSize sends the size of the terminal on fd to send at each change
// (SIGWINCH), as Bubble Tea does only for its own renderer. It stops when
// ctx is done and then closes the returned channel.
func watchSize(ctx context.Context, fd uintptr, send func(tea.Msg)) <-chan struct{} {
	sig := make(chan os.Signal, 1)
	uv.NotifyWinch(sig)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
					send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			}
		}
	}()
	return done
}
