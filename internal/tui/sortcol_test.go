package tui

import "testing"

func TestSortBy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		col     int
		reverse bool
		c       int
		toggle  bool
		wantCol int
		wantRev bool
	}{
		{"other column sorts in its own direction", 2, true, 4, true, 4, false},
		{"the sorted column again reverses", 2, false, 2, true, 2, true},
		{"and again restores", 2, true, 2, true, 2, false},
		{"stepping onto it does not reverse", 2, true, 2, false, 2, false},
		{"past the last wraps to the first", 4, false, 5, false, 0, false},
		{"before the first wraps to the last", 0, false, -1, false, 4, false},
	} {
		col, rev := sortBy(tc.col, tc.reverse, tc.c, 5, tc.toggle)
		if col != tc.wantCol || rev != tc.wantRev {
			t.Errorf("%s: sortBy(%d, %v, %d, 5, %v) = %d, %v; want %d, %v",
				tc.name, tc.col, tc.reverse, tc.c, tc.toggle, col, rev, tc.wantCol, tc.wantRev)
		}
	}
}

func TestSortMark(t *testing.T) {
	if sortMark(true, false) != "▼" || sortMark(false, true) != "▼" ||
		sortMark(false, false) != "▲" || sortMark(true, true) != "▲" {
		t.Error("the arrow must point down exactly when the largest come first")
	}
}
