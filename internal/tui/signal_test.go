package tui

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSignalHoldsTheRow: the menu takes hold of the selected row's process
// (its PID and start) when it opens, lets it go on every way out, and
// opens no menu for a process that is gone or whose PID was taken.
func TestSignalHoldsTheRow(t *testing.T) {
	t.Parallel()
	row := "900 " + base.Add(-3*time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name     string
		keys     []string
		holdErr  error
		calls    []string
		released int
		view     view
		message  string
	}{
		{"open", []string{"k"}, nil, nil, 0, viewSignal, ""},
		{"cancel menu", []string{"k", "esc"}, nil, nil, 1, viewMain, ""},
		{"decline", []string{"k", "enter", "n"}, nil, nil, 1, viewMain, "no signal sent"},
		{"send", []string{"k", "enter", "y"}, nil, []string{"terminated 900"}, 1, viewMain, "sent SIGTERM to 900 (nginx)"},
		{"gone at open", []string{"k", "y"}, fmt.Errorf("pidfd_open: %w", syscall.ESRCH), nil, 0, viewMain, "900 (nginx) is already gone"},
		{"PID taken at open", []string{"k", "y"}, fmt.Errorf("pid 900: %w", ErrReused), nil, 0, viewMain,
			"900 (nginx) is gone and its PID is now another process: nothing sent"},
		{"cannot hold", []string{"k"}, errors.New("too many open files"), nil, 0, viewMain, "cannot signal 900 (nginx): too many open files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig := &fakeSignaller{holdErr: tt.holdErr}
			m := newModel(Options{Signaller: sig}, machine(true), 160, 50)
			keys(m, "down", "down")
			keys(m, tt.keys...)
			if diff := cmp.Diff([]string{row}, sig.holds); diff != "" {
				t.Errorf("processes held (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.calls, sig.calls); diff != "" {
				t.Errorf("signals sent (-want +got):\n%s", diff)
			}
			if sig.released != tt.released {
				t.Errorf("released %d times, want %d", sig.released, tt.released)
			}
			if m.view != tt.view || m.message != tt.message {
				t.Errorf("view %d message %q, want view %d message %q", m.view, m.message, tt.view, tt.message)
			}
		})
	}
}

// TestSignalReusedAtSend: a PID taken between the menu and the confirmation
// is reported as such, not as a failure.
func TestSignalReusedAtSend(t *testing.T) {
	t.Parallel()
	sig := &fakeSignaller{err: fmt.Errorf("kill 900: %w", ErrReused)}
	m := newModel(Options{Signaller: sig}, machine(true), 160, 50)
	keys(m, "down", "down", "k", "2", "y")
	if want := "900 (nginx) is gone and its PID is now another process: nothing sent"; m.message != want {
		t.Errorf("message %q, want %q", m.message, want)
	}
}

// TestSignalsOffSaysWhy: with no signaller, k says the reason main gave.
func TestSignalsOffSaysWhy(t *testing.T) {
	t.Parallel()
	why := "signals are off: /host/proc is not this machine's /proc, so its PIDs are not processes here"
	m := newModel(Options{NoSignals: why}, machine(true), 160, 50)
	keys(m, "k")
	if m.view != viewMain || m.message != why || !strings.Contains(m.render(), "signals are off") {
		t.Errorf("view %d message %q, want the reason %q", m.view, m.message, why)
	}
}
