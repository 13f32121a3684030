package explain

import "strings"

// outermost returns whether a cgroup counts toward the totals its list's
// shares are of: one with no recorded ancestor in either span. A group's
// CPU, memory and I/O include its children's, so summing every group
// would count the same work once per level; the outermost groups recorded
// hold it once. (The root, "/", when recorded, is the whole machine and
// the only one counted.)
func outermost(before, window []Usage) func(Subject) bool {
	paths := map[string]bool{}
	for _, us := range [][]Usage{before, window} {
		for _, u := range us {
			paths[u.ID] = true
		}
	}
	return func(s Subject) bool {
		for p := parent(s.ID); p != ""; p = parent(p) {
			if paths[p] {
				return false
			}
		}
		return true
	}
}

// parent returns the path of a cgroup's parent: "/a" for "/a/b", "/" for
// "/a", and "" for "/" (or a path that is not absolute).
func parent(path string) string {
	i := strings.LastIndexByte(path, '/')
	switch {
	case path == "/" || i < 0:
		return ""
	case i == 0:
		return "/"
	}
	return path[:i]
}
