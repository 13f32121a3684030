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
