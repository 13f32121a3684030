package tui

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
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

// TestKeysTogether: keys that arrive together (typed fast, over SSH, in one
// read of the terminal) or pasted do what the same keys do one by one.
func TestKeysTogether(t *testing.T) {
	t.Parallel()
	for _, ks := range []string{"PPP", ">>>", "<<", "MM", "Nr", "t", "II", "++-", "/ali", "N/bo", "?x", "kq"} {
		t.Run(ks, func(t *testing.T) {
			t.Parallel()
			var oneAsked, readAsked, pasteAsked int
			opts := func(asked *int) Options {
				return Options{Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) { *asked++ }}
			}
			one := newModel(opts(&oneAsked), machine(true), 80, 24)
			for _, r := range ks {
				keys(one, string(r))
			}
			want := stateOf(one, oneAsked)

			// One read: Ctrl-C after the keys ends the program once they
			// are all handled.
			read := newModel(opts(&readAsked), machine(true), 80, 24)
			if _, err := runKeys(t, read, ks+"\x03"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, stateOf(read, readAsked)); diff != "" {
				t.Errorf("%q in one read, against one by one (-want +got):\n%s", ks, diff)
			}

			paste := newModel(opts(&pasteAsked), machine(true), 80, 24)
			if _, cmd := paste.Update(tea.PasteMsg{Content: ks}); isQuit(cmd) {
				t.Fatalf("%q pasted quit", ks)
			}
			if diff := cmp.Diff(want, stateOf(paste, pasteAsked)); diff != "" {
				t.Errorf("%q pasted, against one by one (-want +got):\n%s", ks, diff)
			}
		})
	}
	if _, err := runKeys(t, newModel(Options{}, machine(true), 80, 24), "Mq"); err != nil {
		t.Errorf("Mq in one read: %v", err)
	}
	m := newModel(Options{}, machine(true), 80, 24)
	if _, cmd := m.Update(tea.PasteMsg{Content: "Mq"}); !isQuit(cmd) {
		t.Error("Mq pasted does not quit")
	}
}

// runKeys runs m in a program whose terminal input is in, read at once,
// until m quits.
func runKeys(t *testing.T, m *Model, in string) (tea.Model, error) {
	t.Helper()
	p := tea.NewProgram(m, tea.WithInput(strings.NewReader(in)), tea.WithOutput(io.Discard),
		tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	select {
	case err := <-done:
		return m, err
	case <-time.After(10 * time.Second):
		p.Kill()
		<-done
		return m, fmt.Errorf("%q did not quit", in)
	}
}
