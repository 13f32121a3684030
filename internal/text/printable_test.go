package text

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestPrintable(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"bash", "bash"},
		{"\x1b]0;owned\a\x1b[2Jevil", "?]0;owned??[2Jevil"},
		{"a\xc2\x9b31m", "a?31m"},
		{"bad\xff\xfe", "bad??"},
		{"two\nlines\r\t", "two?lines??"},
		{"del\x7f", "del?"},
		{"café 日本 \uFFFD", "café 日本 \uFFFD"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Printable(tt.in)); diff != "" {
			t.Errorf("Printable(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, h := range golden.Hostile {
		golden.Printable(t, "Printable", Printable(h))
		// Words that quote outside text make it printable themselves.
		for _, tx := range []*Text{For(English), For(Spanish)} {
			golden.Printable(t, "NotifierFailed", tx.NotifierFailed(h, "webhook", "1s", errors.New(h)))
			golden.Printable(t, "SensorFailed", tx.SensorFailed(h))
			golden.Printable(t, "Note", tx.Note(h))
			golden.Printable(t, "Watching", tx.Watching("1", []string{"cpu"}, h, 2))
			golden.Printable(t, "Transition", tx.Transition(reading.Transition{Rule: h, Metric: "m", Labels: []reading.Label{{Name: "l", Value: h}}}, h))
			golden.Printable(t, "Transition", tx.Transition(reading.Transition{Rule: h, Message: h}, "1"))
		}
	}
}

func TestCell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		w     int
		right bool
		want  string
	}{
		{"bash", 6, false, "bash  "},
		{"bash", 6, true, "  bash"},
		{"a-very-long-name", 6, false, "a-ver…"},
		{"日本語の名前", 6, false, "日本… "},
		{"日本語の名前", 7, false, "日本語…"},
		{"café", 5, false, "café "},
		{"x\x1b[2J", 5, false, "x?[2J"},
		{"anything", 0, false, ""},
	}
	for _, tt := range tests {
		got := Cell(tt.in, tt.w, tt.right)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Cell(%q, %d) mismatch (-want +got):\n%s", tt.in, tt.w, diff)
		}
		if Width(got) != tt.w {
			t.Errorf("Cell(%q, %d) is %d cells wide", tt.in, tt.w, Width(got))
		}
	}
	if got := Clip(strings.Repeat("x", 10), 4); got != "xxx…" {
		t.Errorf("Clip = %q, want xxx…", got)
	}
}

func FuzzPrintable(f *testing.F) {
	for _, h := range golden.Hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		golden.Printable(t, "Printable", Printable(s))
		if c := Cell(s, 12, false); Width(c) != 12 {
			t.Errorf("Cell(%q, 12) is %d cells wide", s, Width(c))
		}
	})
}
