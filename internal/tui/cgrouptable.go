package tui

import (
	"math"
	"path"
	"slices"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
)

// cgCol is a column of the cgroups view, in screen order: the numbers,
// then the name, which takes the rest of the line as the command does in
// the process table.
type cgCol int

const (
	cgCPU cgCol = iota
	cgThrottled
	cgThrottledTime
	cgMem
	cgLimit
	cgMemPct
	cgHigh
	cgMax
	cgOOM
	cgRead
	cgWrite
	cgPids
	cgPSI
	cgName
	numCgCols
)

type cgColDef struct {
	title  string // in English; text.CgroupColumn translates it
	width  int    // 0: the rest of the line
	desc   bool   // sorts largest first unless reversed
	drop   int    // the order columns leave a narrow screen in, 0 never
	format func(float64) string
}

func cgColDefs() [numCgCols]cgColDef {
	return [numCgCols]cgColDef{
		cgCPU:           {"CPU%", 6, true, 0, pct},
		cgThrottled:     {"THROT", 6, true, 5, count},
		cgThrottledTime: {"THR-S", 7, true, 1, seconds},
		cgMem:           {"MEM", 6, true, 0, bytesIEC},
		cgLimit:         {"LIMIT", 6, true, 6, bytesIEC},
		cgMemPct:        {"LIM%", 5, true, 0, pct},
		cgHigh:          {"HIGH", 5, true, 2, count},
		cgMax:           {"MAX", 5, true, 3, count},
		cgOOM:           {"OOM", 4, true, 0, count},
		cgRead:          {"READ/s", 7, true, 7, bytesIEC},
		cgWrite:         {"WRITE/s", 7, true, 8, bytesIEC},
		cgPids:          {"PIDS", 5, true, 4, count},
		cgPSI:           {"PSI%", 6, true, 9, nil},
		cgName:          {"CGROUP", 0, false, 0, nil},
	}
}

// cgField is the group's number in column c, of the columns that show a
// field as it is: nil for a field the reading did not carry, and for
// PSI% and the name, which are made from more than one field.
func cgField(g *reading.Cgroup, c cgCol) *float64 {
	return [numCgCols]*float64{
		cgCPU: g.CPUPercent, cgThrottled: g.Throttled, cgThrottledTime: g.ThrottledSeconds,
		cgMem: g.MemCurrent, cgLimit: g.MemMax, cgMemPct: g.MemPercent, cgHigh: g.MemHigh,
		cgMax: g.MemMaxEvents, cgOOM: g.OOMKills, cgRead: g.IOReadRate, cgWrite: g.IOWriteRate, cgPids: g.Pids,
	}[c]
}

// cgColumns returns the columns shown at width w: the least needed give
// way until the name has 24 cells.
func cgColumns(w int) []cgCol {
	defs := cgColDefs()
	cols := make([]cgCol, 0, numCgCols)
	used := 1
	for c := range numCgCols {
		cols = append(cols, c)
		used += defs[c].width + 1
	}
	for drop := 1; w-used < 24; drop++ {
		i := slices.IndexFunc(cols, func(c cgCol) bool { return defs[c].drop == drop })
		if i < 0 {
			break
		}
		used -= defs[cols[i]].width + 1
		cols = slices.Delete(cols, i, i+1)
	}
	return cols
}

// cgRow is one shown group: its index in groups and its tree branch.
type cgRow struct {
	i      int
	prefix string
}

// cgroupTable is the cgroups view's state: the latest groups, how they
// are sorted, filtered and shown, and the selection, kept by path across
// refreshes.
type cgroupTable struct {
	groups  []reading.Cgroup
	rows    []cgRow
	sortCol cgCol
	reverse bool
	flat    bool // a flat list sorted as a whole, not the tree
	filterEdit
	selPath string
	sel     int
	offset  int
}

func (t *cgroupTable) init() { t.sortCol = cgCPU }

func (t *cgroupTable) setGroups(gs []reading.Cgroup) { t.groups = gs; t.rebuild() }

func (t *cgroupTable) setFilter(f string) { t.filter = f; t.rebuild() }

// setSort sorts by c; choosing the sorted column again with toggle set
// reverses the order.
func (t *cgroupTable) setSort(c cgCol, toggle bool) {
	t.sortCol, t.reverse = sortBy(t.sortCol, t.reverse, c, numCgCols, toggle)
	t.rebuild()
}

// value is a group's number in column c; NaN when the reading had none.
func (t *cgroupTable) value(g *reading.Cgroup, c cgCol) float64 {
	if c == cgPSI {
		if v, _, ok := g.PressureMax(); ok {
			return v
		}
	}
	if p := cgField(g, c); p != nil {
		return *p
	}
	return math.NaN()
}

func (t *cgroupTable) compare(a, b *reading.Cgroup) int {
	var c int
	if t.sortCol == cgName {
		c = strings.Compare(cgroupLabel(a), cgroupLabel(b))
		if t.reverse {
			c = -c
		}
	} else {
		c = cmpNum(t.value(a, t.sortCol), t.value(b, t.sortCol), cgColDefs()[t.sortCol].desc != t.reverse)
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// matches says whether g shows under the filter f (lower case): its path,
// unit, container or pod holds it.
func (t *cgroupTable) matches(g *reading.Cgroup, f string) bool {
	return containsFold(g.Path, f) || containsFold(g.Unit, f) || containsFold(g.Container, f) ||
		containsFold(g.Pod, f) || containsFold(g.Runtime, f)
}

// rebuild recomputes the shown rows after new data, sort or filter, and
// finds the selected group again.
func (t *cgroupTable) rebuild() {
	idx := make([]int, 0, len(t.groups))
	f := strings.ToLower(strings.TrimSpace(t.filter))
	for i := range t.groups {
		if f == "" || t.matches(&t.groups[i], f) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return t.compare(&t.groups[a], &t.groups[b]) })
	t.rows = t.rows[:0]
	if t.flat {
		for _, i := range idx {
			t.rows = append(t.rows, cgRow{i: i})
		}
	} else {
		t.rows = t.treeRows(idx, t.rows)
	}
	t.sel = 0
	for j, r := range t.rows {
		if t.groups[r.i].Path == t.selPath {
			t.sel = j
			return
		}
	}
	t.move(0)
}

// treeRows orders idx (already sorted) as the cgroup tree: each group
// under its parent, siblings in sort order. A group whose parent is
// filtered out or left out of the reading hangs from its nearest shown
// ancestor, else is a root.
func (t *cgroupTable) treeRows(idx []int, out []cgRow) []cgRow {
	in := make(map[string]bool, len(idx))
	for _, i := range idx {
		in[t.groups[i].Path] = true
	}
	children := make(map[string][]int, len(idx))
	var roots []int
	for _, i := range idx {
		p := t.groups[i].Path
		parent := ""
		for q := p; q != "/" && q != "."; {
			q = path.Dir(q)
			if in[q] {
				parent = q
				break
			}
		}
		if parent == "" {
			roots = append(roots, i)
		} else {
			children[parent] = append(children[parent], i)
		}
	}
	forestRows(roots, children, func(i int) string { return t.groups[i].Path }, func(i int, prefix string) {
		out = append(out, cgRow{i: i, prefix: prefix})
	})
	return out
}

// move shifts the selection by d rows.
func (t *cgroupTable) move(d int) {
	if len(t.rows) == 0 {
		t.sel = 0
		return
	}
	t.sel = max(0, min(len(t.rows)-1, t.sel+d))
	t.selPath = t.groups[t.rows[t.sel].i].Path
}

// selected returns the selected group, if any.
func (t *cgroupTable) selected() (*reading.Cgroup, bool) {
	if t.sel >= len(t.rows) {
		return nil, false
	}
	return &t.groups[t.rows[t.sel].i], true
}

// scroll keeps the selection among the n rows shown.
func (t *cgroupTable) scroll(n int) { t.offset = scrollOffset(t.sel, t.offset, n, len(t.rows)) }

// cgroupLabel is how a row names its group: the container's runtime and
// short ID, the pod's UID, else the unit, else the last element of the
// path; in the tree the path is told by the indentation.
func cgroupLabel(g *reading.Cgroup) string {
	switch {
	case g.Container != "":
		id := g.Container[:min(12, len(g.Container))]
		if g.Runtime != "" {
			return g.Runtime + " " + id
		}
		return id
	case g.Pod != "" && strings.Contains(g.Unit, "pod") || g.Pod != "" && g.Unit == "":
		return "pod " + g.Pod
	case g.Unit != "":
		return g.Unit
	case g.Path == "/":
		return "/"
	}
	return path.Base(g.Path)
}

// inCgroup says whether a process in cgroup p is in group g or below it.
func inCgroup(p, g string) bool {
	if g == "/" {
		return p != ""
	}
	return p == g || strings.HasPrefix(p, g) && len(p) > len(g) && p[len(g)] == '/'
}
