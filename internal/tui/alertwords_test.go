package tui

import (
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestAlertPanelSaysFactsInItsLanguage: an active alert that carries its
// facts is said in the dashboard's language; one with only a message (as
// the history replays it) shows that message.
func TestAlertPanelSaysFactsInItsLanguage(t *testing.T) {
	t.Parallel()
	withFact := reading.Transition{Rule: "load", Sensor: reading.SensorLoad, Metric: reading.Load1, From: reading.Normal,
		To: reading.Critical, Value: 70.5, Threshold: 64, Time: base, Since: base,
		Message: "load.1 is 70.5, above the critical bound 64", Fact: &reading.Fact{Unit: reading.None}}
	onlyMessage := withFact
	onlyMessage.Fact = nil
	tests := []struct {
		name           string
		lang           text.Lang
		tr             reading.Transition
		want, unwanted string
	}{
		{"spanish facts", text.Spanish, withFact, "load.1 está en 70.5, por encima", "is 70.5"},
		{"english facts", text.English, withFact, "load.1 is 70.5, above", "encima"},
		{"replayed message", text.Spanish, onlyMessage, "load.1 is 70.5, above", "encima"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := loadReading(base)
			a.Transitions = []reading.Transition{tt.tr}
			m := newModel(Options{Text: text.For(tt.lang)}, append(machine(true), a), 160, 50)
			f := m.render()
			if !strings.Contains(f, tt.want) || strings.Contains(f, tt.unwanted) {
				t.Errorf("alert panel does not say %q (nor should it say %q):\n%s", tt.want, tt.unwanted, f)
			}
		})
	}
}
