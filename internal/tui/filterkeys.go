package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/text"
)

// filterEdit is a table's filter and whether the user is typing it; the
// process table and the fleet table embed it so that one set of keys
// edits both.
type filterEdit struct {
	filter string
	typing bool
}

func (f *filterEdit) edit() *filterEdit { return f }

// filterTable is a table whose filter the keys below edit.
type filterTable interface {
	edit() *filterEdit
	setFilter(f string)
	move(d int)
}

// filterKey handles a key while the filter is typed: enter keeps it, esc
// drops it, the arrows still move the selection and text adds to it.
func filterKey(tb filterTable, msg tea.KeyPressMsg) {
	fe := tb.edit()
	switch msg.Code {
	case tea.KeyEnter:
		fe.typing = false
	case tea.KeyEscape:
		fe.typing = false
		tb.setFilter("")
	case tea.KeyBackspace:
		if r := []rune(fe.filter); len(r) > 0 {
			tb.setFilter(string(r[:len(r)-1]))
		}
	case tea.KeyUp:
		tb.move(-1)
	case tea.KeyDown:
		tb.move(1)
	default:
		typeFilter(tb, msg.Text)
	}
}

// typeFilter adds s to the filter, printable and at most 64 bytes long
// before it, so a paste cannot grow it without end.
func typeFilter(tb filterTable, s string) {
	if f := tb.edit().filter; len(f) < 64 && s != "" {
		tb.setFilter(f + text.Printable(s))
	}
}

// moveKey moves the selection for the keys every table shares, a page
// being page rows, and says whether a was one of them.
func moveKey(tb filterTable, a action, page int) bool {
	switch a {
	case actUp:
		tb.move(-1)
	case actDown:
		tb.move(1)
	case actPageUp:
		tb.move(-page)
	case actPageDown:
		tb.move(page)
	case actHome:
		tb.move(-1 << 30)
	case actEnd:
		tb.move(1 << 30)
	default:
		return false
	}
	return true
}

// wheel scrolls a table three rows a notch.
func wheel(tb filterTable, b tea.MouseButton) {
	switch b {
	case tea.MouseWheelUp:
		tb.move(-3)
	case tea.MouseWheelDown:
		tb.move(3)
	}
}
