package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// column is a process table column; the order is the screen order.
type column int

const (
	colPID column = iota
	colUser
	colState
	colCPU
	colMem
	colRSS
	colThreads
	colTime
	colRead
	colWrite
	colCommand
	numColumns
)

type colDef struct {
	title string // in English; text.Column translates it
	width int    // 0: the rest of the line
	right bool
	desc  bool // sorts largest first unless reversed
}

func colDefs() [numColumns]colDef {
	return [numColumns]colDef{
		colPID:     {"PID", 7, true, false},
		colUser:    {"USER", 9, false, false},
		colState:   {"S", 1, false, false},
		colCPU:     {"CPU%", 6, true, true},
		colMem:     {"MEM%", 5, true, true},
		colRSS:     {"RSS", 6, true, true},
		colThreads: {"THR", 4, true, true},
		colTime:    {"TIME", 9, true, true},
		colRead:    {"RD/s", 6, true, true},
		colWrite:   {"WR/s", 6, true, true},
		colCommand: {"COMMAND", 0, false, false},
	}
}

// tableRow is one shown process: its index in procs, and its tree branch.
type tableRow struct {
	i      int
	prefix string
}

// procTable is the task manager's state: the latest processes, how they are
// sorted, filtered and shown, and which one is selected. The selection is
// kept by PID, so it follows its process across refreshes and re-sorts.
type procTable struct {
	procs   []reading.Process
	rows    []tableRow
	sortCol column
	reverse bool
	tree    bool
	filterEdit
	// cgroup, when set, shows only the processes of that cgroup and the
	// groups below it (the cgroups view's enter); cgroupName is how the
	// status bar names it.
	cgroup, cgroupName string
	selPID             int32
	sel                int
	offset             int
	// pinned is set once the user picks a row; until then the selection
	// stays on the first row instead of following whatever was first.
	pinned bool
	// ver counts changes to what the table shows, for the frame cache.
	ver   uint64
	cache tableCache
}

type tableCache struct {
	ver, style uint64
	w, h       int
	irix       bool
	cores      int
	lines      []string
}

func (t *procTable) init() { t.sortCol = colCPU; t.selPID = -1 }

func (t *procTable) setProcs(ps []reading.Process) { t.procs = ps; t.rebuild() }

func (t *procTable) setFilter(f string) { t.filter = f; t.rebuild() }

func (t *procTable) setTree(on bool) { t.tree = on; t.rebuild() }

func (t *procTable) setCgroup(path, name string) { t.cgroup, t.cgroupName = path, name; t.rebuild() }

func (t *procTable) setReverse(on bool) { t.reverse = on; t.rebuild() }

// setSort sorts by c; choosing the sorted column again with toggle set
// reverses the order, as htop does.
func (t *procTable) setSort(c column, toggle bool) {
	t.sortCol, t.reverse = sortBy(t.sortCol, t.reverse, c, numColumns, toggle)
	t.rebuild()
}

// compare orders two processes by the sort column, ties by PID; flip is
// -1 when the order is largest first (after reverse), else 1.
func (t *procTable) compare(a, b *reading.Process, flip int) int {
	var c int
	switch t.sortCol {
	case colPID:
		c = cmp.Compare(a.PID, b.PID)
	case colUser:
		c = strings.Compare(a.User, b.User)
	case colState:
		c = strings.Compare(a.State, b.State)
	case colCPU:
		c = cmp.Compare(a.CPUPercent, b.CPUPercent)
	case colMem:
		c = cmp.Compare(a.MemPercent, b.MemPercent)
		if c == 0 {
			c = cmp.Compare(a.RSS, b.RSS)
		}
	case colRSS:
		c = cmp.Compare(a.RSS, b.RSS)
	case colThreads:
		c = cmp.Compare(a.Threads, b.Threads)
	case colTime:
		c = cmp.Compare(a.CPUTime, b.CPUTime)
	case colRead:
		c = cmp.Compare(a.ReadRate, b.ReadRate)
	case colWrite:
		c = cmp.Compare(a.WriteRate, b.WriteRate)
	case colCommand:
		c = strings.Compare(a.Cmdline, b.Cmdline)
	}
	c *= flip
	if c == 0 {
		c = cmp.Compare(a.PID, b.PID)
	}
	return c
}

func (t *procTable) matches(p *reading.Process, f string) bool {
	return containsFold(p.Comm, f) || containsFold(p.Cmdline, f) || containsFold(p.User, f) ||
		strings.HasPrefix(strconv.Itoa(int(p.PID)), f)
}

// containsFold reports whether s contains the lower-case f, ignoring case,
// without allocating for ASCII text.
func containsFold(s, f string) bool {
	if len(f) > len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), f)
		}
	}
	for i := 0; i+len(f) <= len(s); i++ {
		j := 0
		for ; j < len(f); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != f[j] {
				break
			}
		}
		if j == len(f) {
			return true
		}
	}
	return false
}

// rebuild recomputes the shown rows after new data or a new sort, filter
// or view, and finds the selected PID again.
func (t *procTable) rebuild() {
	t.ver++
	idx := make([]int, 0, len(t.procs))
	f := strings.ToLower(strings.TrimSpace(t.filter))
	for i := range t.procs {
		if t.cgroup != "" && !inCgroup(t.procs[i].Cgroup, t.cgroup) {
			continue
		}
		if f == "" || t.matches(&t.procs[i], f) {
			idx = append(idx, i)
		}
	}
	flip := 1
	if colDefs()[t.sortCol].desc != t.reverse {
		flip = -1
	}
	slices.SortFunc(idx, func(a, b int) int { return t.compare(&t.procs[a], &t.procs[b], flip) })
	t.rows = t.rows[:0]
	if t.tree {
		t.rows = t.treeRows(idx, t.rows)
	} else {
		for _, i := range idx {
			t.rows = append(t.rows, tableRow{i: i})
		}
	}
	t.sel = min(t.sel, max(0, len(t.rows)-1))
	if !t.pinned {
		t.sel = 0
	}
	for j, r := range t.rows {
		if t.pinned && t.procs[r.i].PID == t.selPID {
			t.sel = j
			return
		}
	}
	if len(t.rows) > 0 {
		t.selPID = t.procs[t.rows[t.sel].i].PID
	}
}

// treeRows orders idx (already sorted) as a forest: each process under its
// parent, siblings in sort order. A process whose parent is filtered out
// or gone becomes a root.
func (t *procTable) treeRows(idx []int, out []tableRow) []tableRow {
	in := make(map[int32]bool, len(idx))
	for _, i := range idx {
		in[t.procs[i].PID] = true
	}
	children := make(map[int32][]int, len(idx)/2)
	var roots []int
	for _, i := range idx {
		p := &t.procs[i]
		if p.PPID != p.PID && in[p.PPID] {
			children[p.PPID] = append(children[p.PPID], i)
		} else {
			roots = append(roots, i)
		}
	}
	forestRows(roots, children, func(i int) int32 { return t.procs[i].PID }, func(i int, prefix string) {
		out = append(out, tableRow{i: i, prefix: prefix})
	})
	return out
}

// move shifts the selection by d rows.
func (t *procTable) move(d int) {
	if len(t.rows) == 0 {
		return
	}
	t.selectRow(max(0, min(len(t.rows)-1, t.sel+d)))
}

func (t *procTable) selectRow(j int) {
	if j < 0 || j >= len(t.rows) {
		return
	}
	t.sel = j
	t.selPID = t.procs[t.rows[j].i].PID
	t.pinned = true
	t.ver++
}

// selected returns the selected process, if any.
func (t *procTable) selected() (*reading.Process, bool) {
	if len(t.rows) == 0 {
		return nil, false
	}
	return &t.procs[t.rows[t.sel].i], true
}

// columns returns the columns shown at width w: the storage I/O rates,
// TIME and THR give way to the command line on narrow terminals.
func columns(w int) []column {
	cols := []column{colPID, colUser, colState, colCPU, colMem, colRSS, colThreads, colTime, colRead, colWrite, colCommand}
	used := 1
	defs := colDefs()
	for _, c := range cols {
		used += defs[c].width + 1
	}
	for _, drop := range [...]column{colWrite, colRead, colTime, colThreads, colState} {
		if w-used >= 24 {
			break
		}
		cols = slices.DeleteFunc(cols, func(c column) bool { return c == drop })
		used -= defs[drop].width + 1
	}
	return cols
}

// columnAt returns the column under screen column x.
func (t *procTable) columnAt(x, w int) (column, bool) {
	defs := colDefs()
	at := 1
	for _, c := range columns(w) {
		cw := defs[c].width
		if cw == 0 {
			return c, x >= at
		}
		if x >= at && x < at+cw+1 {
			return c, true
		}
		at += cw + 1
	}
	return 0, false
}

// viewTable draws the header and as many rows as fit in h lines, keeping
// the selection in sight.
func (m *Model) viewTable(w, h int) []string {
	th := m.th
	t := &m.table
	c := &t.cache
	if c.lines != nil && c.ver == t.ver && c.style == m.ver["style"] && c.w == w && c.h == h && c.irix == m.irix && c.cores == m.cores {
		return c.lines
	}
	defer func() {
		*c = tableCache{ver: t.ver, style: m.ver["style"], w: w, h: h, irix: m.irix, cores: m.cores, lines: c.lines}
	}()
	defs := colDefs()
	cols := columns(w)
	lines := make([]string, 0, h)

	ln := newRow(w)
	ln.space(1) // the selection marker's gutter
	for _, c := range cols {
		d := defs[c]
		name := m.tx.Column(d.title)
		p := th.header
		if c == t.sortCol {
			p = th.sorted
			name += sortMark(d.desc, t.reverse)
		}
		if c == colCommand && t.tree {
			name += m.tx.TreeMark()
		}
		if d.width == 0 {
			ln.add(p, name)
			break
		}
		if d.right {
			ln.add(p, padLeft(name, d.width))
		} else {
			ln.add(p, padRight(name, d.width))
		}
		ln.space(1)
	}
	lines = append(lines, ln.done())

	n := h - 1
	t.offset = scrollOffset(t.sel, t.offset, n, len(t.rows))
	if len(t.rows) == 0 && n > 0 {
		ln.reset(w)
		switch {
		case m.last[reading.SensorProcesses] == nil && m.sensorOff(reading.SensorProcesses):
			ln.add(th.dim, m.tx.ProcsOff())
		case m.last[reading.SensorProcesses] == nil:
			ln.add(th.dim, m.tx.ProcsWaiting())
		case t.filter != "":
			ln.add(th.dim, m.tx.NoMatch(text.Printable(t.filter)))
		case t.cgroup != "":
			ln.add(th.dim, m.tx.NoCgroupProcs(text.Printable(t.cgroupName)))
		default:
			ln.add(th.dim, m.tx.NoProcs())
		}
		lines = append(lines, ln.done())
	}
	for j := t.offset; j < len(t.rows) && len(lines) < h; j++ {
		ln.reset(w)
		r := t.rows[j]
		m.procRow(ln, &t.procs[r.i], r.prefix, cols, j == t.sel)
		lines = append(lines, ln.done())
	}
	if len(lines) < h {
		blank := strings.Repeat(" ", w)
		for len(lines) < h {
			lines = append(lines, blank)
		}
	}
	c.lines = lines
	return lines
}

// procRow writes one process; the selected one in a single reversed paint.
func (m *Model) procRow(ln *row, p *reading.Process, prefix string, cols []column, selected bool) {
	th := m.th
	defs := colDefs()
	plain, dim, prog, state := th.text, th.dim, th.prog, th.text
	if selected {
		plain, dim, prog, state = th.selected, th.selected, th.selected, th.selected
	} else {
		switch p.State {
		case "R":
			state = th.status[reading.Normal]
		case "D":
			state = th.status[reading.Warning]
		case "Z":
			state = th.status[reading.Critical]
		case "T", "t":
			state = th.dim
		}
	}
	if selected {
		ln.add(plain, "›")
	} else {
		ln.space(1)
	}
	// A recording made before threads, CPU time and state were recorded
	// has none: a dash, not a zero that reads as a value. Every live
	// process has a thread.
	unrecorded := m.replay != nil && p.Threads == 0
	cpu := p.CPUPercent
	if !m.irix && m.cores > 0 {
		cpu /= float64(m.cores)
	}
	for _, c := range cols {
		d := defs[c]
		var s string
		pt := plain
		switch c {
		case colPID:
			s = strconv.Itoa(int(p.PID))
		case colUser:
			s = text.Printable(p.User)
			if s == "" {
				s = strconv.Itoa(int(p.UID))
			}
			pt = dim
		case colState:
			s, pt = cut(text.Printable(p.State), 1), state
			if s == "" && unrecorded {
				s = "–"
			}
		case colCPU:
			s = pct(cpu)
		case colMem:
			s = pct(p.MemPercent)
		case colRSS:
			s = bytesIEC(float64(p.RSS))
		case colThreads:
			s = strconv.Itoa(int(p.Threads))
			if unrecorded {
				s = "–"
			}
		case colTime:
			s = cpuTime(p.CPUTime)
			if unrecorded {
				s = "–"
			}
		case colRead, colWrite:
			v := p.ReadRate
			if c == colWrite {
				v = p.WriteRate
			}
			// Unknown (another user's process without privilege) is
			// not 0, and neither is unrecorded (I/O came after threads).
			s = bytesIEC(v)
			switch {
			case unrecorded:
				s = "–"
			case p.IOUnknown:
				s = "?"
			}
		case colCommand:
			if prefix != "" {
				ln.add(dim, prefix)
			}
			command(ln, p, plain, dim, prog)
			continue
		}
		ln.addPad(pt, s, d.width, d.right)
		ln.add(plain, " ")
	}
	if selected {
		ln.add(th.selected, strings.Repeat(" ", max(0, ln.room())))
	}
}

// command writes the command line with the program name emphasised: the
// directory dim, the name bold, the arguments plain.
func command(ln *row, p *reading.Process, plain, dim, prog paint) {
	cl := text.Printable(p.Cmdline)
	if cl == "" {
		ln.add(prog, "["+text.Printable(p.Comm)+"]")
		return
	}
	if cl[0] == '[' {
		ln.add(prog, cl)
		return
	}
	argv0, args, _ := strings.Cut(cl, " ")
	dir, name := "", argv0
	if k := strings.LastIndexByte(argv0, '/'); k >= 0 {
		dir, name = argv0[:k+1], argv0[k+1:]
	}
	ln.add(dim, dir)
	ln.add(prog, name)
	if args != "" {
		ln.add(plain, " "+args)
	}
}
