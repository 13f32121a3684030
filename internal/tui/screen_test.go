package tui

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writes records each write call apart.
type writes []string

func (w *writes) Write(p []byte) (int, error) {
	*w = append(*w, string(p))
	return len(p), nil
}

func TestScreenDraw(t *testing.T) {
	t.Parallel()
	const (
		sgr  = "\x1b[1m"
		rst  = "\x1b[m"
		emoj = "a🙂b世界c" // 8 cells of a 8-cell screen
	)
	row := func(r, line string) string { return "\x1b[" + r + ";1H\x1b[m\x1b[2K" + line }
	tests := []struct {
		name string
		// h is the screen's height; resizeTo, when not 0, resizes the screen
		// before the last frame.
		h, resizeTo int
		frames      []string
		want        []string // the last frame's write calls
	}{{
		name:   "first frame writes every line",
		h:      3,
		frames: []string{"one\n" + sgr + "two" + rst + "\nthree"},
		want:   []string{syncStart + clearScreen + row("1", "one") + row("2", sgr+"two"+rst) + row("3", "three") + syncEnd},
	}, {
		name:   "unchanged frame writes nothing",
		h:      3,
		frames: []string{"one\ntwo\nthree", "one\ntwo\nthree"},
		want:   nil,
	}, {
		name:   "one changed line writes its row",
		h:      3,
		frames: []string{"one\ntwo\nthree", "one\nTWO\nthree"},
		want:   []string{syncStart + row("2", "TWO") + syncEnd},
	}, {
		name:   "a shorter frame erases the rows left over",
		h:      4,
		frames: []string{"one\ntwo\nthree\nfour", "one\ntwo"},
		want:   []string{syncStart + row("3", "") + row("4", "") + syncEnd},
	}, {
		name:   "a longer frame writes the rows it adds",
		h:      4,
		frames: []string{"one", "one\ntwo"},
		want:   []string{syncStart + row("2", "two") + syncEnd},
	}, {
		name:   "lines past the screen's height are left out",
		h:      2,
		frames: []string{"one\ntwo\nthree"},
		want:   []string{syncStart + clearScreen + row("1", "one") + row("2", "two") + syncEnd},
	}, {
		name:     "a resize redraws every line",
		h:        3,
		resizeTo: 2,
		frames:   []string{"one\ntwo\nthree", "one\ntwo"},
		want:     []string{syncStart + clearScreen + row("1", "one") + row("2", "two") + syncEnd},
	}, {
		name:   "wide runes and emoji go through as they are",
		h:      2,
		frames: []string{"abcdefgh\nabcdefgh", "abcdefgh\n" + emoj},
		want:   []string{syncStart + row("2", emoj) + syncEnd},
	}, {
		name:   "a full-width line is erased before it is written",
		h:      2,
		frames: []string{"abcdefgh\n12345678", "ABCDEFGH\n12345678"},
		want:   []string{syncStart + row("1", "ABCDEFGH") + syncEnd},
	}, {
		name:   "an empty frame after one erases it",
		h:      2,
		frames: []string{"one\ntwo", ""},
		want:   []string{syncStart + row("1", "") + row("2", "") + syncEnd},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w writes
			s := newScreen(&w, tt.h)
			for i, f := range tt.frames {
				if i == len(tt.frames)-1 {
					w = nil
					if tt.resizeTo != 0 {
						s.resize(tt.resizeTo)
					}
				}
				if err := s.draw(f); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, []string(w)); diff != "" {
				t.Errorf("writes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScreenInvalidate: after another program had the terminal the next
// frame is drawn whole even if it did not change, and a closed screen
// draws nothing.
func TestScreenInvalidate(t *testing.T) {
	t.Parallel()
	var w writes
	s := newScreen(&w, 2)
	s.draw("one\ntwo")
	w = nil
	s.invalidate()
	s.draw("one\ntwo")
	want := []string{syncStart + clearScreen + "\x1b[1;1H\x1b[m\x1b[2Kone\x1b[2;1H\x1b[m\x1b[2Ktwo" + syncEnd}
	if diff := cmp.Diff(want, []string(w)); diff != "" {
		t.Errorf("writes after invalidate mismatch (-want +got):\n%s", diff)
	}
	w = nil
	s.close()
	s.draw("three")
	if len(w) != 0 {
		t.Errorf("a closed screen wrote %q", w)
	}
}
