package tui

import (
	"strconv"
	"strings"
	"testing"
)

// TestStatusBarKeepsQuit: a narrow terminal drops the least needed hints
// first; the way out stays while it fits at all.
func TestStatusBarKeepsQuit(t *testing.T) {
	t.Parallel()
	for _, w := range []int{20, 40, 60, 80, 100} {
		t.Run(strconv.Itoa(w), func(t *testing.T) {
			t.Parallel()
			m := newModel(Options{Signaller: &fakeSignaller{}}, machine(true), w, 24)
			f := m.View()
			bar := f[strings.LastIndex(f, "\n")+1:]
			if !strings.Contains(bar, "q quit") || strings.Contains(bar, "…") {
				t.Errorf("status bar at %d columns: %q", w, bar)
			}
		})
	}
}
