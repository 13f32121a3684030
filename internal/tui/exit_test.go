package tui

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// stuckModel blocks in Update on its first message until released, as a
// program wedged in its event loop would.
type stuckModel struct{ release chan struct{} }

func (s stuckModel) Init() tea.Cmd                       { return func() tea.Msg { return struct{}{} } }
func (s stuckModel) Update(tea.Msg) (tea.Model, tea.Cmd) { <-s.release; return s, nil }
func (s stuckModel) View() tea.View                      { return tea.NewView("stuck") }

// TestRunProgramDeadline: once ctx is done, a program that does not leave
// within the wait is abandoned and the terminal restored without it.
func TestRunProgramDeadline(t *testing.T) {
	t.Parallel()
	in, inW := io.Pipe()
	defer inW.Close()
	m := stuckModel{release: make(chan struct{})}
	defer close(m.release)
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(&syncBuffer{}), tea.WithoutSignalHandler())
	ctx, cancel := context.WithCancel(context.Background())
	var restored atomic.Bool
	done := make(chan error, 1)
	go func() { done <- runProgram(ctx, p, func() { restored.Store(true) }, 200*time.Millisecond) }()
	time.Sleep(100 * time.Millisecond) // let it start and wedge
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, errStuck) || !restored.Load() {
			t.Errorf("runProgram = %v, restored %v; want errStuck and the terminal restored", err, restored.Load())
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned %v after ctx ended, want about 200ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("runProgram waited for a wedged program past its deadline")
	}
}
