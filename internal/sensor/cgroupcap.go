package sensor

import (
	"cmp"
	"path"
	"slices"
)

// capCgroups keeps, of a walk's groups in walk order, the n busiest by
// CPU, every group with a limit or memory events (the ones rules and
// people watch whatever their CPU), the root, and the ancestors of all
// these so the tree they hang from stays whole. n ≤ 0, or a walk of no
// more than n groups, keeps them all.
func capCgroups(views []cgroupView, n int) []cgroupView {
	if n <= 0 || len(views) <= n {
		return views
	}
	keep := make(map[string]bool, 2*n)
	busy := make([]int, 0, len(views))
	for i := range views {
		st := views[i].stats
		ev := st.MemEvents
		switch {
		case st.Path == "/", st.MemLimited, st.CPU.Throttled > 0,
			ev.High+ev.Max+ev.OOM+ev.OOMKill > 0:
			keep[st.Path] = true
		default:
			busy = append(busy, i)
		}
	}
	// Busiest by CPU over the last interval; groups without a rate yet
	// (new ones) by their total, after those with one.
	slices.SortStableFunc(busy, func(a, b int) int {
		va, vb := &views[a], &views[b]
		if va.hasRate != vb.hasRate {
			if va.hasRate {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(vb.cpuPercent, va.cpuPercent); c != 0 {
			return c
		}
		return cmp.Compare(vb.stats.CPU.UsageMicros, va.stats.CPU.UsageMicros)
	})
	for _, i := range busy[:min(n, len(busy))] {
		keep[views[i].stats.Path] = true
	}
	for p := range keep {
		for p != "/" && p != "." && p != "" {
			p = path.Dir(p)
			keep[p] = true
		}
	}
	return slices.DeleteFunc(views, func(v cgroupView) bool { return !keep[v.stats.Path] })
}
