package tui

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// row builds one screen line of a known display width: text added past the
// width is cut, and done pads the rest with spaces, so panels can be set
// side by side by concatenation.
type row struct {
	sb    strings.Builder
	w     int
	limit int
}

func newRow(width int) *row {
	r := &row{limit: width}
	r.sb.Grow(width + 32)
	return r
}

func (r *row) reset(width int) { r.sb.Reset(); r.w = 0; r.limit = width }

// fits says whether s fits whole in the room left: for an optional item
// that would be misread cut.
func (r *row) fits(s string) bool { return textWidth(s) <= r.limit-r.w }

// add writes s in paint p, cut to the room left. A cut text ends with an
// ellipsis (blanks that only pad do not count as text), and fills the
// row: what comes after it would be read as the cut text's end.
func (r *row) add(p paint, s string) {
	room := r.limit - r.w
	if room <= 0 || s == "" {
		return
	}
	w := textWidth(s)
	full := false
	if w > room {
		s = cut(strings.TrimRight(s, " "), room)
		w, full = textWidth(s), true
	}
	r.sb.WriteString(p.pre)
	r.sb.WriteString(s)
	r.sb.WriteString(p.post)
	r.w += w
	if full {
		r.space(r.limit - r.w)
	}
}

// part is a text in its paint, one piece of a group.
type part struct {
	p paint
	s string
}

// group writes a label and its value (several parts in their paints)
// only if all of them fit whole: a label without its value, or a value
// cut, reads as something else. It reports whether it wrote them.
func (r *row) group(parts ...part) bool {
	w := 0
	for _, pt := range parts {
		w += textWidth(pt.s)
	}
	if w > r.limit-r.w {
		return false
	}
	for _, pt := range parts {
		r.add(pt.p, pt.s)
	}
	return true
}

// addPad writes s in paint p padded to w cells, right-aligned when right,
// without building the padded string.
func (r *row) addPad(p paint, s string, w int, right bool) {
	sw := textWidth(s)
	if sw > w {
		s = cut(s, w)
		sw = textWidth(s)
	}
	if w > r.limit-r.w {
		if right {
			r.add(p, padLeft(s, w))
		} else {
			r.add(p, padRight(s, w))
		}
		return
	}
	r.sb.WriteString(p.pre)
	if right {
		r.blanks(w - sw)
	}
	r.sb.WriteString(s)
	if !right {
		r.blanks(w - sw)
	}
	r.sb.WriteString(p.post)
	r.w += w
}

const blankRun = "                                "

func (r *row) blanks(n int) {
	for n > 0 {
		k := min(n, len(blankRun))
		r.sb.WriteString(blankRun[:k])
		n -= k
	}
}

// raw adds text already painted whose width is known.
func (r *row) raw(s string, w int) {
	if w > r.limit-r.w {
		return
	}
	r.sb.WriteString(s)
	r.w += w
}

// space adds n blanks.
func (r *row) space(n int) {
	n = min(n, r.limit-r.w)
	r.blanks(n)
	r.w += max(n, 0)
}

// padTo adds blanks up to column c.
func (r *row) padTo(c int) { r.space(c - r.w) }

func (r *row) room() int { return r.limit - r.w }

// done pads to the full width and returns the line.
func (r *row) done() string {
	r.space(r.limit - r.w)
	return r.sb.String()
}

// textWidth is the number of cells s takes; s holds no escape sequences.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// cut shortens s to w cells by display width, marking the cut with an
// ellipsis. Every text the dashboard cuts is cut here.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if textWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if n := w - textWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// eighths are the partial blocks of one to seven eighths, three bytes
// each.
const eighths = "▏▎▍▌▋▊▉"

// bar draws frac (0..1) as a bar of w cells: full blocks, one partial block,
// then dots for the empty part.
func (r *row) bar(fill, empty paint, frac float64, w int) {
	if w <= 0 {
		return
	}
	if math.IsNaN(frac) || frac < 0 {
		frac = 0
	}
	frac = min(frac, 1)
	units := int(math.Round(frac * float64(w) * 8))
	full, part := units/8, units%8
	var b strings.Builder
	b.Grow(w * 3)
	for range full {
		b.WriteString("█")
	}
	used := full
	if part > 0 && used < w {
		b.WriteString(eighths[3*(part-1) : 3*part])
		used++
	}
	r.add(fill, b.String())
	if used < w {
		r.add(empty, strings.Repeat("·", w-used))
	}
}

// ring is a fixed-size history of samples, newest last.
type ring struct {
	buf  []float64
	head int // next write
	n    int
}

func newRing(size int) ring { return ring{buf: make([]float64, size)} }

func (r *ring) push(v float64) {
	if len(r.buf) == 0 {
		return
	}
	r.buf[r.head] = v
	r.head = (r.head + 1) % len(r.buf)
	r.n = min(r.n+1, len(r.buf))
}

// at returns the i-th newest sample (0 = the latest).
func (r *ring) at(i int) float64 {
	return r.buf[(r.head-1-i+2*len(r.buf))%len(r.buf)]
}

// max returns the largest of the newest n samples.
func (r *ring) max(n int) float64 {
	m := 0.0
	for i := range min(n, r.n) {
		m = max(m, r.at(i))
	}
	return m
}

// brailleDot is the bit of the dot in column side (0 or 1) at row k
// counted from the bottom (0..3).
func brailleDot(side, k int) rune {
	if side == 0 {
		return [4]rune{0x40, 0x04, 0x02, 0x01}[k]
	}
	return [4]rune{0x80, 0x20, 0x10, 0x08}[k]
}

// graph draws the newest 2·w samples of h as an area chart of w×h braille
// cells (two samples per cell, four dot rows per line), scaled so top is
// the full height. Lines come top first.
func graph(h *ring, w, rows int, top float64, p paint) []string {
	out := make([]string, rows)
	if w <= 0 || rows <= 0 {
		return out
	}
	dots := make([]int, 2*w) // dot height per sample column, oldest left
	for i := range dots {
		k := 2*w - 1 - i
		if k >= h.n {
			dots[i] = -1
			continue
		}
		v := h.at(k)
		d := 0
		if top > 0 && v > 0 {
			d = int(math.Round(v / top * float64(4*rows)))
			d = max(d, 1)
		}
		dots[i] = min(d, 4*rows)
	}
	var b strings.Builder
	for line := range rows {
		b.Reset()
		b.WriteString(p.pre)
		base := 4 * (rows - 1 - line)
		for c := range w {
			var cell rune
			for side := range 2 {
				d := dots[2*c+side] - base
				for k := 0; k < min(d, 4); k++ {
					cell |= brailleDot(side, k)
				}
			}
			if cell == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteRune(0x2800 + cell)
			}
		}
		b.WriteString(p.post)
		out[line] = b.String()
	}
	return out
}
