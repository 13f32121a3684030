package tui

// forestRows walks roots and, under each, its children (by key) depth
// first, calling emit with each index and the branch drawing that leads
// to it ("├─ ", "│  └─ "; none for a root): the process tree and the
// cgroup tree are drawn alike. A key met twice (a PID cycle in a torn
// /proc read) is skipped with what hangs from it.
func forestRows[K comparable](roots []int, children map[K][]int, key func(i int) K, emit func(i int, prefix string)) {
	seen := make(map[K]bool)
	var walk func(i int, lead string, last, root bool)
	walk = func(i int, lead string, last, root bool) {
		k := key(i)
		if seen[k] {
			return
		}
		seen[k] = true
		prefix, next := "", ""
		if !root {
			if last {
				prefix, next = lead+"└─ ", lead+"   "
			} else {
				prefix, next = lead+"├─ ", lead+"│  "
			}
		}
		emit(i, prefix)
		kids := children[k]
		for n, c := range kids {
			walk(c, next, n == len(kids)-1, false)
		}
	}
	for _, r := range roots {
		walk(r, "", true, true)
	}
}
