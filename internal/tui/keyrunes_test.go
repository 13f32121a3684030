package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/go-cmp/cmp"
)

// keyState is what a key can change that the tests compare.
type keyState struct {
	PIDs           []int32
	Filter         string
	Typing, Tree   bool
	Reverse, Irix  bool
	Sort           int
	View           view
	Every          time.Duration
	IntervalsAsked int
}

func stateOf(m *Model, asked int) keyState {
	return keyState{PIDs: shownPIDs(m)[:min(5, len(m.table.rows))], Filter: m.table.filter, Typing: m.table.typing,
		Tree: m.table.tree, Reverse: m.table.reverse, Irix: m.irix, Sort: int(m.table.sortCol), View: m.view,
		Every: m.every, IntervalsAsked: asked}
}

// TestKeysTogether: keys that arrive in one message (typed fast, pasted,
// over SSH) do what the same keys do one by one.
func TestKeysTogether(t *testing.T) {
	t.Parallel()
	for _, ks := range []string{"PPP", ">>>", "<<", "MM", "Nr", "t", "II", "++-", "/ali", "N/bo", "?x", "kq"} {
		t.Run(ks, func(t *testing.T) {
			t.Parallel()
			var oneAsked, allAsked int
			one := newModel(Options{Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) { oneAsked++ }}, machine(true), 80, 24)
			all := newModel(Options{Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) { allAsked++ }}, machine(true), 80, 24)
			for _, r := range ks {
				keys(one, string(r))
			}
			_, cmd := all.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(ks)})
			if isQuit(cmd) {
				t.Fatalf("%q quit", ks)
			}
			want, got := stateOf(one, oneAsked), stateOf(all, allAsked)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q together, against one by one (-want +got):\n%s", ks, diff)
			}
		})
	}
	m := newModel(Options{}, machine(true), 80, 24)
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Mq")}); !isQuit(cmd) {
		t.Error("Mq together does not quit")
	}
}
