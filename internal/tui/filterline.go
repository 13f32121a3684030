package tui

import "github.com/vigia-dev/vigia/internal/text"

// shownInfo is the status bar's count of what a table shows, led by the
// filter in quotes when there is one.
func (f *filterEdit) shownInfo(count string) string {
	if f.filter == "" {
		return count
	}
	return "“" + text.Printable(f.filter) + "” " + count
}

// addPrompt puts the filter being typed on ln, with a cursor and the keys
// that end it.
func (f *filterEdit) addPrompt(ln *row, t *theme, tx *text.Text) {
	ln.add(t.accent, tx.FilterPrompt())
	ln.add(t.text, text.Printable(f.filter))
	ln.add(t.accent, "▏")
	ln.add(t.dim, "  "+tx.FilterKeys())
}
