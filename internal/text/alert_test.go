package text

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestAlertFacts: every shape of fact a rule hands over reads in both
// languages, and differently in each.
func TestAlertFacts(t *testing.T) {
	t.Parallel()
	ls := []reading.Label{{Name: "mountpoint", Value: "/"}}
	tr := func(from, to reading.Status, f reading.Fact) reading.Transition {
		f.Unit = reading.Percent
		return reading.Transition{Metric: reading.FSUsedPercent, Labels: ls, From: from, To: to, Value: 91, Threshold: 90, Fact: &f}
	}
	tests := []struct {
		name string
		tr   reading.Transition
		en   string
	}{
		{"raised", tr(reading.Normal, reading.Critical, reading.Fact{}), `fs.used_percent{mountpoint="/"} is 91%, above the critical bound 90%`},
		{"raised below, waited", tr(reading.Normal, reading.Warning, reading.Fact{Below: true, For: time.Minute}), `fs.used_percent{mountpoint="/"} is 91%, below the warning bound 90% for 1m0s`},
		{"gone", tr(reading.Warning, reading.Normal, reading.Fact{Gone: true, Left: reading.Warning}), `fs.used_percent{mountpoint="/"} is no longer reported (was warning at 91%)`},
		{"resolved", tr(reading.Warning, reading.Normal, reading.Fact{Left: reading.Warning}), `fs.used_percent{mountpoint="/"} is back to normal at 91% (warning bound 90%)`},
		{"lowered", tr(reading.Critical, reading.Warning, reading.Fact{Left: reading.Critical}), `fs.used_percent{mountpoint="/"} is down to warning at 91% (critical bound 90%)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			en, es := For(English).Alert(&tt.tr), For(Spanish).Alert(&tt.tr)
			if en != tt.en {
				t.Errorf("English = %q, want %q", en, tt.en)
			}
			if es == "" || es == en {
				t.Errorf("Spanish = %q; want words of its own", es)
			}
		})
	}
}
