package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestReplaySpanExplained: in a replay m marks where a span starts, the
// header shows the mark, and x after a jump explains from the mark to the
// clock against the four times as long before; esc clears the mark, and x
// then explains the minute up to the clock again. In both languages.
func TestReplaySpanExplained(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	for name, lang := range map[string]text.Lang{"en": text.English, "es": text.Spanish} {
		var asked []time.Time
		m := New(Options{Hostname: "db-7", Text: text.For(lang), Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)},
			Explainer: fakeExplainer{asked: &asked, res: explainedFixture()}}, colorprofile.NoTTY)
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
		keys(m, "]", "]", "m", "]")
		frame := m.render()
		checkFrame(t, frame, 100, 24)
		checkGolden(t, "replay-mark-"+name, frame)
		if mark := text.For(lang).ReplayMark("12:02:00"); !strings.Contains(frame, mark) {
			t.Errorf("%s: the replay's header lacks %q:\n%s", name, mark, frame)
		}

		keys(m, "x")
		from, to := base.Add(2*time.Minute), base.Add(3*time.Minute)
		if diff := cmp.Diff([]time.Time{from.Add(-4 * time.Minute), from, to}, asked); diff != "" {
			t.Errorf("%s: explainer asked for the marked span (-want +got):\n%s", name, diff)
		}
		frame = m.render()
		checkFrame(t, frame, 100, 24)
		checkGolden(t, "replay-span-explain-"+name, frame)

		// Esc leaves the explanation, then clears the mark; the replay goes on.
		keys(m, "esc", "esc")
		if m.replay == nil || !m.replay.mark.IsZero() || m.view != viewMain {
			t.Fatalf("%s: after esc esc: view %v, mark %v", name, m.view, m.replay.mark)
		}
		if frame := m.render(); strings.Contains(frame, text.For(lang).ReplayMark("12:02:00")) {
			t.Errorf("%s: the cleared mark is still shown:\n%s", name, frame)
		}
		asked = asked[:0]
		keys(m, "x")
		if diff := cmp.Diff([]time.Time{to.Add(-5 * time.Minute), to.Add(-time.Minute), to}, asked); diff != "" {
			t.Errorf("%s: without a mark, explainer asked (-want +got):\n%s", name, diff)
		}
	}
}
