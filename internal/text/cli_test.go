package text

import (
	"testing"
	"unicode/utf8"
)

// TestHeadingsFit checks the Spanish headings against the widths that
// report and history give their columns (a heading that overflows pushes
// its row's later columns out of line). The last column of a table has no
// width and is left out.
func TestHeadingsFit(t *testing.T) {
	t.Parallel()
	widths := map[string]int{
		"SENSOR": 12, "METRIC": 20, "PEAK": 12, "AT": 16, "MEAN": 10,
		"RULE": 20, "WARNING": 10, "CRITICAL": 10, "RAISED": 7,
		"PID": 7, "COMMAND": 16, "USER": 10, "CPU TIME": 10, "PEAK RSS": 10,
		"STARTED": 16, "LIFETIME": 10,
		"MOUNT": 20, "DEVICE": 16, "USED BEFORE": 12, "USED AFTER": 12, "GROWTH": 12, "SIZE": 10,
		// history's time column is as wide as its shortest layout, 15:04.
		"TIME": 5, "MIN": 10, "MAX": 10,
	}
	es := For(Spanish)
	for en, w := range widths {
		if n := utf8.RuneCountInString(es.Heading(en)); n > w {
			t.Errorf("Heading(%s) = %q: %d columns, the table gives it %d", en, es.Heading(en), n, w)
		}
	}
	// A lifetime still running sits in LIFETIME's column.
	if n := utf8.RuneCountInString(es.StillRunning()); n > widths["LIFETIME"] {
		t.Errorf("StillRunning() = %q: wider than LIFETIME's %d columns", es.StillRunning(), widths["LIFETIME"])
	}
}
