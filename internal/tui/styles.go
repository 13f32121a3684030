package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/reading"
)

// paint is a style reduced to the escape sequences around its text, so a
// frame is drawn by concatenation instead of one lipgloss Render per cell.
type paint struct{ pre, post string }

// toPaint reduces st to the sequences profile p can show: a style renders
// every colour it was given, and the frame must already be in the
// terminal's own (or, under NoTTY, in none at all) for the golden frames.
func toPaint(p colorprofile.Profile, st lipgloss.Style) paint {
	var b strings.Builder
	w := colorprofile.Writer{Forward: &b, Profile: p}
	w.WriteString(st.Render("X"))
	out := b.String()
	i := strings.IndexByte(out, 'X')
	if i < 0 {
		return paint{}
	}
	return paint{pre: out[:i], post: out[i+1:]}
}

// themeFor is the theme the config names (dark when it names none), mono
// on a terminal without colour whatever it names.
func themeFor(prof colorprofile.Profile, name string) *theme {
	if name == "" {
		name = "dark"
	}
	if prof <= colorprofile.ASCII {
		name = "mono"
	}
	return newTheme(prof, name)
}

// theme is the palette every panel draws with.
type theme struct {
	name     string
	text     paint
	dim      paint
	title    paint
	accent   paint
	header   paint // table header
	sorted   paint // the sorted column's header
	selected paint // the selected table row
	prog     paint // the program name inside a command line
	menu     paint
	graph    paint
	rx, tx   paint
	status   [4]paint // by reading.Status
}

func (t *theme) level(s reading.Status) paint {
	if int(s) < len(t.status) {
		return t.status[s]
	}
	return t.text
}

type palette struct {
	fg, dim, title, accent, ok, warn, crit, unknown, selBg, selFg, rx, tx, graph string
}

func darkPalette() palette {
	return palette{fg: "252", dim: "242", title: "81", accent: "75", ok: "78", warn: "220", crit: "203",
		unknown: "245", selBg: "24", selFg: "231", rx: "114", tx: "176", graph: "75"}
}

func lightPalette() palette {
	return palette{fg: "235", dim: "246", title: "25", accent: "31", ok: "28", warn: "130", crit: "160",
		unknown: "244", selBg: "153", selFg: "16", rx: "28", tx: "90", graph: "31"}
}

// newTheme builds the named theme for colour profile prof; under a
// colourless profile (ASCII for NO_COLOR, NoTTY in golden tests) every
// paint is empty or only bold and reverse.
func newTheme(prof colorprofile.Profile, name string) *theme {
	t := &theme{name: name}
	toPaint := func(st lipgloss.Style) paint { return toPaint(prof, st) }
	if name == "mono" {
		s := lipgloss.NewStyle()
		t.text, t.dim, t.graph, t.rx, t.tx = toPaint(s), toPaint(s.Faint(true)), toPaint(s), toPaint(s), toPaint(s)
		t.title = toPaint(s.Bold(true))
		t.accent = toPaint(s.Bold(true))
		t.header = toPaint(s.Bold(true))
		t.sorted = toPaint(s.Bold(true).Underline(true))
		t.selected = toPaint(s.Reverse(true))
		t.prog = toPaint(s.Bold(true))
		t.menu = toPaint(s.Reverse(true))
		t.status = [4]paint{toPaint(s.Faint(true)), toPaint(s), toPaint(s.Bold(true)), toPaint(s.Bold(true).Underline(true))}
		return t
	}
	p := darkPalette()
	if name == "light" {
		p = lightPalette()
	}
	c := lipgloss.Color
	s := lipgloss.NewStyle()
	t.text = toPaint(s.Foreground(c(p.fg)))
	t.dim = toPaint(s.Foreground(c(p.dim)))
	t.title = toPaint(s.Foreground(c(p.title)).Bold(true))
	t.accent = toPaint(s.Foreground(c(p.accent)))
	t.header = toPaint(s.Foreground(c(p.title)).Bold(true))
	t.sorted = toPaint(s.Foreground(c(p.warn)).Bold(true).Underline(true))
	t.selected = toPaint(s.Background(c(p.selBg)).Foreground(c(p.selFg)))
	t.prog = toPaint(s.Foreground(c(p.fg)).Bold(true))
	t.menu = toPaint(s.Background(c(p.selBg)).Foreground(c(p.selFg)).Bold(true))
	t.graph = toPaint(s.Foreground(c(p.graph)))
	t.rx = toPaint(s.Foreground(c(p.rx)))
	t.tx = toPaint(s.Foreground(c(p.tx)))
	t.status = [4]paint{
		toPaint(s.Foreground(c(p.unknown))),
		toPaint(s.Foreground(c(p.ok))),
		toPaint(s.Foreground(c(p.warn)).Bold(true)),
		toPaint(s.Foreground(c(p.crit)).Bold(true)),
	}
	return t
}
