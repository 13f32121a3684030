package tui

// rowOf returns the index in rows of the row for key, appending the one mk
// makes when key is new; at remembers the indexes. A panel that gathers a
// row per device or mount from a reading's metrics keeps its rows in the
// order their first metrics came.
func rowOf[R any](rows *[]R, at map[string]int, key string, mk func(key string) R) int {
	j, ok := at[key]
	if !ok {
		j = len(*rows)
		at[key] = j
		*rows = append(*rows, mk(key))
	}
	return j
}

// scrollOffset returns the first of n rows (of rows in all) to show so
// that the selected row sel stays in sight, moving offset as little as it
// can.
func scrollOffset(sel, offset, n, rows int) int {
	if sel < offset {
		offset = sel
	}
	if sel >= offset+n {
		offset = sel - n + 1
	}
	return max(0, min(offset, rows-n))
}

// pageKey moves offset, the first in sight of a full-screen page's total
// lines of which rows fit, by the keys that move through a page (up, down,
// page up and down, home, end), and reports whether a was one of them.
func pageKey(offset *int, a action, rows, total int) bool {
	var n int
	switch a {
	case actUp:
		n = -1
	case actDown:
		n = 1
	case actPageUp:
		n = -rows
	case actPageDown:
		n = rows
	case actHome:
		n = -total
	case actEnd:
		n = total
	default:
		return false
	}
	*offset = max(0, min(*offset+n, total-rows))
	return true
}
