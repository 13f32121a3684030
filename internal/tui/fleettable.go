package tui

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/vigia-dev/vigia/internal/fleet"
)

// fleetCol is a column of the fleet table, in screen order.
type fleetCol int

const (
	fcHost fleetCol = iota
	fcState
	fcSince
	fcCPU
	fcSpark
	fcMem
	fcLoad
	fcFS
	fcFSPct
	fcFull
	fcRx
	fcTx
	fcAlerts
	fcVersion
	numFleetCols
)

type fleetColDef struct {
	width int // the least; host, filesystem and alerts take what is left
	right bool
	desc  bool // sorts largest first unless reversed
	sort  bool // can be sorted by
	drop  int  // the order columns leave a narrow screen in, 0 never
}

func fleetColDefs() [numFleetCols]fleetColDef {
	return [numFleetCols]fleetColDef{
		fcHost:    {width: 14, sort: true},
		fcState:   {width: 6, sort: true},
		fcSince:   {width: 7, right: true, desc: true, sort: true, drop: 6},
		fcCPU:     {width: 5, right: true, desc: true, sort: true},
		fcSpark:   {width: 12, drop: 3},
		fcMem:     {width: 5, right: true, desc: true, sort: true},
		fcLoad:    {width: 9, right: true, desc: true, sort: true, drop: 7},
		fcFS:      {width: 12, drop: 4},
		fcFSPct:   {width: 5, right: true, desc: true, sort: true},
		fcFull:    {width: 8, right: true, sort: true, drop: 8},
		fcRx:      {width: 9, right: true, desc: true, sort: true, drop: 5},
		fcTx:      {width: 9, right: true, desc: true, sort: true, drop: 2},
		fcAlerts:  {width: 10, desc: true, sort: true},
		fcVersion: {width: 7, sort: true, drop: 1},
	}
}

// fleetRow is one line of the table: a host (i into hosts) or, when
// grouped, a group's heading.
type fleetRow struct {
	i     int // -1 for a heading
	group string
	count int
	down  int
}

// fleetTable is the fleet view's table: hosts sorted, filtered and grouped,
// and the selection, kept by instance across refreshes.
type fleetTable struct {
	hosts   []fleet.Host
	rows    []fleetRow
	shown   int // hosts among rows
	sortCol fleetCol
	reverse bool
	filterEdit
	group   string
	sel     int // index into rows; always a host row when there is one
	selInst string
	offset  int
}

func (t *fleetTable) init(group string) {
	t.sortCol, t.group = fcState, group
}

func (t *fleetTable) setHosts(hs []fleet.Host) { t.hosts = hs; t.build() }

func (t *fleetTable) setFilter(f string) { t.filter = f; t.build() }

// setSort sorts by c; choosing the sorted column again with pressed set
// reverses the order.
func (t *fleetTable) setSort(c fleetCol, pressed bool) {
	t.sortCol, t.reverse = sortBy(t.sortCol, t.reverse, c, numFleetCols, pressed)
	t.build()
}

// next is the sortable column d steps from the sorted one.
func (t *fleetTable) next(d int) fleetCol {
	defs := fleetColDefs()
	c := t.sortCol
	for {
		c = (c + fleetCol(d) + numFleetCols) % numFleetCols
		if defs[c].sort {
			return c
		}
	}
}

// labels are the labels rows can be grouped by: job first, then the rest
// the hosts carry, but instance, which names every row already.
func (t *fleetTable) labels() []string {
	seen := map[string]bool{}
	for _, h := range t.hosts {
		for k := range h.Labels {
			if k != "instance" && k != "job" {
				seen[k] = true
			}
		}
	}
	return append([]string{"job"}, slices.Sorted(maps.Keys(seen))...)
}

// nextGroup groups by the next label, after the last one by none.
func (t *fleetTable) nextGroup() string {
	ls := t.labels()
	i := slices.Index(ls, t.group)
	switch {
	case t.group == "":
		t.group = ls[0]
	case i < 0 || i == len(ls)-1:
		t.group = ""
	default:
		t.group = ls[i+1]
	}
	t.build()
	return t.group
}

// matches says whether h shows under the filter: its instance, a label
// value or an alert name holds it, case aside.
func (t *fleetTable) matches(h *fleet.Host) bool {
	if t.filter == "" {
		return true
	}
	f := strings.ToLower(t.filter)
	if strings.Contains(strings.ToLower(h.Instance), f) {
		return true
	}
	for _, v := range h.Labels {
		if strings.Contains(strings.ToLower(v), f) {
			return true
		}
	}
	for _, a := range h.Alerts {
		if strings.Contains(strings.ToLower(a.Name), f) {
			return true
		}
	}
	return false
}

// cmpNum orders numbers with NaN (no data) last whichever the direction.
func cmpNum(a, b float64, desc bool) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	if desc {
		return cmp.Compare(b, a)
	}
	return cmp.Compare(a, b)
}

func (t *fleetTable) less(a, b *fleet.Host) int {
	desc := fleetColDefs()[t.sortCol].desc != t.reverse
	num := func(x, y float64) int { return cmpNum(x, y, desc) }
	var c int
	switch t.sortCol {
	case fcState:
		// Down first: they are what the operator looks for.
		c = cmp.Compare(boolInt(a.Up), boolInt(b.Up))
		if t.reverse {
			c = -c
		}
	case fcSince:
		c = num(sinceKey(a), sinceKey(b))
	case fcCPU:
		c = num(a.CPU, b.CPU)
	case fcMem:
		c = num(a.Mem, b.Mem)
	case fcLoad:
		c = num(a.LoadPerCore(), b.LoadPerCore())
	case fcFSPct:
		c = num(a.FSUsed, b.FSUsed)
	case fcFull:
		c = num(fullKey(a), fullKey(b))
	case fcRx:
		c = num(a.Rx, b.Rx)
	case fcTx:
		c = num(a.Tx, b.Tx)
	case fcAlerts:
		c = num(alertKey(a), alertKey(b))
	case fcVersion:
		c = strings.Compare(a.Version, b.Version)
		if t.reverse {
			c = -c
		}
	case fcHost:
		c = strings.Compare(a.Instance, b.Instance)
		if t.reverse {
			c = -c
		}
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.Instance, b.Instance)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sinceKey orders by how long a host has been in its state; unknown (held
// through the lookback) is longest.
func sinceKey(h *fleet.Host) float64 {
	if h.Since.IsZero() {
		return math.Inf(-1)
	}
	return float64(h.Since.Unix())
}

// fullKey orders filesystems by time to full, soonest first; not filling
// is never.
func fullKey(h *fleet.Host) float64 {
	if h.FSFull == 0 {
		return math.Inf(1)
	}
	return h.FSFull.Seconds()
}

// alertKey weighs a host's alerts: a critical one counts more than any
// number of warnings.
func alertKey(h *fleet.Host) float64 {
	k := 0.0
	for _, a := range h.Alerts {
		k += math.Pow(1000, float64(fleet.SeverityLevel(a.Severity)))
	}
	return k
}

// build sorts, filters and groups the hosts into rows, and keeps the
// selection on its host.
func (t *fleetTable) build() {
	idx := make([]int, 0, len(t.hosts))
	for i := range t.hosts {
		if t.matches(&t.hosts[i]) {
			idx = append(idx, i)
		}
	}
	group := func(i int) string { return t.hosts[i].Labels[t.group] }
	slices.SortStableFunc(idx, func(a, b int) int {
		if t.group != "" {
			if c := strings.Compare(group(a), group(b)); c != 0 {
				return c
			}
		}
		return t.less(&t.hosts[a], &t.hosts[b])
	})
	t.rows = t.rows[:0]
	t.shown = len(idx)
	for k, i := range idx {
		if t.group != "" && (k == 0 || group(idx[k-1]) != group(i)) {
			head := fleetRow{i: -1, group: group(i)}
			for _, j := range idx[k:] {
				if group(j) != head.group {
					break
				}
				head.count++
				if !t.hosts[j].Up {
					head.down++
				}
			}
			t.rows = append(t.rows, head)
		}
		t.rows = append(t.rows, fleetRow{i: i})
	}
	t.sel = 0
	for r, row := range t.rows {
		if row.i >= 0 && t.hosts[row.i].Instance == t.selInst {
			t.sel = r
			return
		}
	}
	t.move(0)
}

// move steps the selection d host rows, skipping headings.
func (t *fleetTable) move(d int) {
	if len(t.rows) == 0 {
		return
	}
	step := 1
	if d < 0 {
		step = -1
	}
	s := t.sel
	for n := max(d, -d); n > 0; n-- {
		nx := s + step
		for nx >= 0 && nx < len(t.rows) && t.rows[nx].i < 0 {
			nx += step
		}
		if nx < 0 || nx >= len(t.rows) {
			break
		}
		s = nx
	}
	for s < len(t.rows) && t.rows[s].i < 0 {
		s++
	}
	if s >= len(t.rows) {
		return
	}
	t.sel = s
	t.selInst = t.hosts[t.rows[s].i].Instance
}

// selected is the selected host.
func (t *fleetTable) selected() (fleet.Host, bool) {
	if t.sel < len(t.rows) && t.rows[t.sel].i >= 0 {
		return t.hosts[t.rows[t.sel].i], true
	}
	return fleet.Host{}, false
}

// scroll keeps the selection among the n rows shown.
func (t *fleetTable) scroll(n int) { t.offset = scrollOffset(t.sel, t.offset, n, len(t.rows)) }
