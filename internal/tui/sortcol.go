package tui

// sortBy is the sort a column choice leads to in a table sorted by col,
// reversed or not: choosing the sorted column again with toggle set
// reverses the order, as htop does; any other choice sorts by c in its
// own direction. c wraps around the n columns, so the previous and next
// column keys can step past either end.
func sortBy[C ~int](col C, reverse bool, c, n C, toggle bool) (C, bool) {
	c = (c%n + n) % n
	if c == col && toggle {
		return col, !reverse
	}
	return c, false
}

// sortMark is the sorted column's header arrow: down when the largest
// come first (a descending column not reversed, or an ascending one
// reversed).
func sortMark(desc, reverse bool) string {
	if desc != reverse {
		return "▼"
	}
	return "▲"
}
