package tui

import (
	"io"
	"strconv"
	"strings"
	"sync"
)

// screen draws the dashboard's frames on the terminal, writing only the
// lines that changed since the frame before, in one write, when it is
// asked to: there is no frame ticker.
//
// It is hand-written because Bubble Tea v2.1.1's renderer was the
// dashboard's largest cost after the process walk: it wakes on a ticker
// and parses each changed frame whole into a cell buffer (grapheme
// segmentation of every cell) to diff the cells, 1.0–1.1 ms a changed
// 200×50 frame, three times vigia's whole second of readings and redraw
// (0.36–0.39 ms), and its two 200×50 cell buffers kept 2.5 MB of heap. A
// frame of the dashboard is already made of whole lines, each exactly the
// screen's width, so comparing lines as strings finds the changed rows in
// 1.3 µs with no allocation, keeping 16 KB (BenchmarkRendererFlush and
// BenchmarkOwnRenderFlush, docs/PERFORMANCE.md "Dashboard's renderer").
// It writes whole changed lines where the cell renderer wrote changed
// cells: 3.6 KB instead of 1.0 KB for a second's frame, paid by the
// terminal.
//
// What it is given must already be fit to print: every text from a process
// is sanitised where the frame is drawn, every colour is in the terminal's
// profile (toPaint), and no line is wider than the screen (checkFrame holds
// for every frame of top's and the fleet's models, the fuzzed ones
// included). The screen adds only cursor moves and erases.
//
// Its methods may be called from any goroutine.
type screen struct {
	mu  sync.Mutex
	out io.Writer
	h   int
	// last is the frame the terminal shows; full says it shows something
	// else (a new size, another program's screen) and must be drawn whole.
	last   string
	full   bool
	closed bool
	buf    []byte
}

const (
	syncStart = "\x1b[?2026h" // synchronized output: terminals without it ignore it
	syncEnd   = "\x1b[?2026l"
	// clearScreen erases with the default background, not the last
	// line's.
	clearScreen = "\x1b[m\x1b[2J"
)

func newScreen(out io.Writer, h int) *screen {
	return &screen{out: out, h: h, full: true}
}

// resize takes the terminal's new height; the next frame is drawn whole,
// the terminal having cut or reflowed what it showed.
func (s *screen) resize(h int) {
	s.mu.Lock()
	s.h, s.full = h, true
	s.mu.Unlock()
}

// invalidate says the terminal no longer shows the last frame (another
// program had it), so the next one is drawn whole.
func (s *screen) invalidate() {
	s.mu.Lock()
	s.full = true
	s.mu.Unlock()
}

// close stops every later draw: the terminal is being given back, and a
// program stuck past its deadline must not draw on the user's shell.
func (s *screen) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

// draw shows frame, lines separated by "\n": each line that differs from
// the last frame's line on the same row is rewritten, rows the last frame
// had past the new one's end are erased, and lines past the screen's
// height are left out. An unchanged frame writes nothing.
func (s *screen) draw(frame string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || (!s.full && frame == s.last) {
		return nil
	}
	b := append(s.buf[:0], syncStart...)
	old := s.last
	if s.full {
		b = append(b, clearScreen...)
		old = ""
	}
	changed := s.full
	nl, ol := newLines(frame), newLines(old)
	for row := 1; row <= s.h; row++ {
		n, okN := nl.next()
		o, okO := ol.next()
		if !okN && !okO {
			break
		}
		if okN && okO && n == o {
			continue
		}
		// A row the new frame does not reach is erased: n is "".
		b = appendLine(b, row, n)
		changed = true
	}
	s.buf = b
	s.last, s.full = frame, false
	if !changed {
		return nil
	}
	b = append(b, syncEnd...)
	s.buf = b
	_, err := s.out.Write(b)
	return err
}

// appendLine moves to the start of row (from 1), erases the row and writes
// line. The erase comes first: after a line that fills the last column the
// cursor waits to wrap (where autowrap is on), and an erase to the end of
// the line would take the last cell with it.
func appendLine(b []byte, row int, line string) []byte {
	b = append(b, "\x1b["...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, ";1H\x1b[m\x1b[2K"...)
	return append(b, line...)
}

// lines walks the lines of a frame without splitting it; "" has none.
type lines struct {
	s    string
	done bool
}

func newLines(s string) lines { return lines{s: s, done: s == ""} }

func (l *lines) next() (string, bool) {
	if l.done {
		return "", false
	}
	i := strings.IndexByte(l.s, '\n')
	if i < 0 {
		line := l.s
		l.s, l.done = "", true
		return line, true
	}
	line := l.s[:i]
	l.s = l.s[i+1:]
	return line, true
}
