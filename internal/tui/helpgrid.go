package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// helpGrid lists bindings in as many columns of at least 38 cells as fit
// in w (three at most), filled top to bottom: the keys, then what they do.
func helpGrid(t *theme, w int, all []key.Binding) []string {
	cols := max(1, min(3, w/38))
	colW := w / cols
	perCol := (len(all) + cols - 1) / cols
	lines := make([]string, 0, perCol)
	ln := newRow(w)
	for i := range perCol {
		ln.reset(w)
		for c := range cols {
			j := c*perCol + i
			if j >= len(all) {
				break
			}
			// Named, not the binding's own slice renamed in place.
			ks := make([]string, 0, len(all[j].Keys()))
			for _, k := range all[j].Keys() {
				if k == " " {
					k = "space"
				}
				ks = append(ks, k)
			}
			ln.padTo(c * colW)
			ln.add(t.accent, padRight(cut(strings.Join(ks, " "), 13), 14))
			ln.add(t.text, cut(all[j].Help().Desc, colW-15))
		}
		lines = append(lines, ln.done())
	}
	return lines
}
