package tui

import (
	"strconv"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestSpanishFrames draws the views with the most words in Spanish, whose
// longer words must still fit every line to the cell.
func TestSpanishFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sizes [][2]int
		keys  []string
	}{
		{name: "es-main", sizes: [][2]int{{80, 24}, {160, 50}}},
		{name: "es-help", sizes: [][2]int{{80, 24}, {160, 50}}, keys: []string{"?"}},
		{name: "es-detail", sizes: [][2]int{{80, 24}, {160, 50}}, keys: []string{"N", "home", "down", "down", "down", "enter"}},
		{name: "es-signal-menu", sizes: [][2]int{{80, 24}}, keys: []string{"k", "down"}},
		{name: "es-signal-confirm", sizes: [][2]int{{80, 24}}, keys: []string{"k", "down", "enter"}},
		{name: "es-tree-filtered", sizes: [][2]int{{80, 24}}, keys: []string{"t", "/", "a", "l", "i"}},
	}
	for _, tt := range tests {
		for _, size := range tt.sizes {
			name := tt.name + "-" + strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Options{Text: text.For(text.Spanish), Inspector: fakeInspector{}, Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) {}}
				m := newModel(opts, machine(true), size[0], size[1])
				keys(m, tt.keys...)
				frame := m.render()
				checkFrame(t, frame, size[0], size[1])
				checkGolden(t, name, frame)
			})
		}
	}
}

// TestSpanishWidths checks the words drawn in fixed widths: a column's
// header with its sort arrow, and the detail view's labels before their
// values.
func TestSpanishWidths(t *testing.T) {
	t.Parallel()
	es := text.For(text.Spanish)
	for c, d := range colDefs() {
		if d.width > 1 && textWidth(es.Column(d.title))+1 > d.width {
			t.Errorf("column %d: %q and its arrow do not fit %d cells", c, es.Column(d.title), d.width)
		}
	}
	for _, f := range []string{"Command", "Executable", "Directory", "User", "State", "Parent", "Started",
		"Threads", "CPU", "Memory", "Nice", "Open files", "I/O", "Not readable"} {
		if w := textWidth(es.Field(f)); w > 13 {
			t.Errorf("detail label %q is %d cells, want 13 at most", es.Field(f), w)
		}
	}
}

// TestSpanishReplay draws a replay, whose header has the most words, at
// the smallest size.
func TestSpanishReplay(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	m := New(Options{Hostname: "db-7", Text: text.For(text.Spanish), Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)}}, colorprofile.NoTTY)
	m.Update(sizeMsg(80, 24))
	keys(m, "]", ">")
	frame := m.render()
	checkFrame(t, frame, 80, 24)
	checkGolden(t, "es-replay-80x24", frame)
}
