package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable makes text from outside vigia safe to print on a terminal: a
// process chooses its own name and command line, a user their mount points
// and rule labels, and an ESC, BEL or C1 control among them would let them
// retitle, clear or recolour the reader's terminal. Every C0 and C1 control
// (newlines and tabs included, which would break a line-per-row output),
// DEL and every byte of invalid UTF-8 becomes '?'. Every text output prints
// outside strings through it; JSON escapes them itself and must not.
func Printable(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n) {
			b.WriteByte('?')
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune tells a rune Printable replaces; n is its encoded length, so a
// literal U+FFFD in the text (3 bytes) is kept and an invalid byte (1) is not.
func unsafeRune(r rune, n int) bool {
	return (r == utf8.RuneError && n == 1) || r < 0x20 || (r >= 0x7f && r < 0xa0)
}

// Width is the number of terminal cells s takes once Printable: wide East
// Asian characters and emoji take two, combining marks and format characters
// none. It is what keeps a table's columns aligned when a cell holds more
// than ASCII.
func Width(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	switch {
	case r < 0x7f:
		return 1
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r):
		return 0
	case wide(r):
		return 2
	}
	return 1
}

// wide covers the East Asian Wide and Fullwidth blocks and the emoji
// planes, as terminals draw them.
func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115f, // Hangul Jamo initials
		r >= 0x2e80 && r <= 0x303e, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff, // kana, CJK compatibility
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, // pictographs, emoticons
		r >= 0x1f900 && r <= 0x1f9ff,
		r >= 0x20000 && r <= 0x3fffd: // CJK extensions B on
		return true
	}
	return false
}

// Cell makes s a table cell of exactly w terminal cells: Printable, cut
// with '…' when wider, padded with blanks when narrower (on the left when
// right), so a long process name cannot push the columns after it out of
// line.
func Cell(s string, w int, right bool) string {
	s = Printable(s)
	sw := Width(s)
	if sw > w {
		s, sw = cutWidth(s, w)
	}
	pad := strings.Repeat(" ", max(0, w-sw))
	if right {
		return pad + s
	}
	return s + pad
}

// Clip makes s Printable and cuts it with '…' to at most w cells, for the
// last column of a table, which needs no padding.
func Clip(s string, w int) string {
	s = Printable(s)
	if Width(s) > w {
		s, _ = cutWidth(s, w)
	}
	return s
}

// cutWidth cuts s to w-1 cells and adds '…', never splitting a wide
// character; it returns the result's width.
func cutWidth(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	used := 0
	for i, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			return s[:i] + "…", used + 1
		}
		used += rw
	}
	return s, used
}
