package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
)

// panel is one dashboard box: its height needs at a width, its full view,
// and its one-line form for small terminals.
type panel struct {
	name   string
	sensor string // whose readings change it
	height func(m *Model, w int) (least, want int)
	view   func(m *Model, w, h int) []string
	line   func(m *Model, w int) string
}

func panelDefs() []panel {
	return []panel{
		{"cpu", reading.SensorCPU, (*Model).cpuHeight, (*Model).viewCPU, (*Model).cpuLine},
		{"memory", reading.SensorMemory, (*Model).memHeight, (*Model).viewMemory, (*Model).memLine},
		{"load", reading.SensorLoad, (*Model).loadHeight, (*Model).viewLoad, (*Model).loadLine},
		{"temperature", reading.SensorTemperature, (*Model).tempHeight, (*Model).viewTemps, (*Model).tempLine},
		{"disk", reading.SensorDisk, (*Model).diskHeight, (*Model).viewDisks, (*Model).diskLine},
		{"network", reading.SensorNetwork, (*Model).netHeight, (*Model).viewNetwork, (*Model).netLine},
		{"alerts", "alerts", (*Model).alertsHeight, (*Model).viewAlerts, (*Model).alertsLine},
	}
}

// layout is where the last frame put things, for mouse clicks.
type layout struct {
	full      bool
	tableY    int // screen row of the table header
	tableRows int // process rows shown
}

// leftPanels go in the left column of the full layout; the rest right.
func leftPanel(name string) bool {
	return name == "cpu" || name == "load" || name == "temperature"
}

// fullLayout reports whether the terminal is big enough for boxed panels;
// smaller ones get one line per panel.
func (m *Model) fullLayout() bool { return m.w >= 100 && m.h >= 34 }

func (m *Model) visible(name string) bool {
	for _, p := range m.panels {
		if p == name {
			return true
		}
	}
	return false
}

// View is the frame; the program draws it through its screen (program.go).
func (m *Model) View() tea.View {
	return tea.NewView(m.render())
}

// render draws the frame.
func (m *Model) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	switch m.view {
	case viewHelp:
		return m.viewHelp()
	case viewDetail:
		return m.viewDetail()
	case viewCgroups:
		return m.viewCgroups()
	case viewEvents:
		return m.viewEvents()
	case viewExplain:
		return m.viewExplain()
	case viewExited:
		return m.viewExited()
	}
	m.frame.Reset()
	m.frame.Grow(m.w * m.h * 2)
	body := m.h - 2
	m.frame.WriteString(m.header())
	m.frame.WriteByte('\n')
	procs := m.visible("procs")
	top := m.top(body, procs)
	for _, l := range top {
		m.frame.WriteString(l)
		m.frame.WriteByte('\n')
	}
	rest := body - len(top)
	m.lay = layout{full: m.fullLayout(), tableY: 1 + len(top)}
	if procs && rest >= 2 {
		m.lay.tableRows = rest - 1
		lines := m.viewTable(m.w, rest)
		if m.view == viewSignal || m.view == viewConfirm {
			lines = m.overlaySignal(lines)
		}
		for _, l := range lines {
			m.frame.WriteString(l)
			m.frame.WriteByte('\n')
		}
	} else {
		blank := strings.Repeat(" ", m.w)
		for range rest {
			m.frame.WriteString(blank)
			m.frame.WriteByte('\n')
		}
	}
	m.frame.WriteString(m.statusBar())
	return m.frame.String()
}

// topKey says when the panel area must be drawn again: a reading for a
// visible panel, a new size, or a new style.
type topKey struct {
	ver         uint64
	w, h        int
	procs, irix bool
}

// top returns the panel area, from cache when no panel changed.
func (m *Model) top(body int, procs bool) []string {
	key := topKey{ver: max(m.ver["alerts"], m.ver["style"]), w: m.w, h: m.h, procs: procs, irix: m.irix}
	for _, p := range panelDefs() {
		if m.visible(p.name) {
			key.ver = max(key.ver, m.ver[p.sensor])
		}
	}
	if m.topCache.lines != nil && m.topCache.key == key {
		return m.topCache.lines
	}
	var top []string
	if m.fullLayout() {
		budget := body
		if procs {
			budget = body - max(6, body*2/5)
		}
		top = m.grid(budget)
	} else {
		budget := body
		if procs {
			budget = body - max(5, body/2)
		}
		top = m.compact(budget)
	}
	m.topCache.key, m.topCache.lines = key, top
	return top
}

// cached returns the panel's lines, drawing them only when its data, size
// or style changed since the last frame.
func (m *Model) cached(p *panel, w, h int) []string {
	ver := max(m.ver[p.sensor], m.ver["alerts"], m.ver["style"])
	if c, ok := m.cache[p.name]; ok && c.ver == ver && c.w == w && c.h == h {
		return c.lines
	}
	lines := p.view(m, w, h)
	blank := strings.Repeat(" ", w)
	for len(lines) < h {
		lines = append(lines, blank)
	}
	lines = lines[:h]
	m.cache[p.name] = panelCache{ver: ver, w: w, h: h, lines: lines}
	return lines
}

// grid lays the visible panels in two columns within budget lines.
func (m *Model) grid(budget int) []string {
	var left, right []panel
	for _, p := range panelDefs() {
		if !m.visible(p.name) {
			continue
		}
		if leftPanel(p.name) {
			left = append(left, p)
		} else {
			right = append(right, p)
		}
	}
	if len(left) == 0 || len(right) == 0 {
		return m.column(append(left, right...), m.w, budget)
	}
	lw := (m.w - 1) / 2
	rw := m.w - 1 - lw
	l := m.column(left, lw, budget)
	r := m.column(right, rw, budget)
	n := max(len(l), len(r))
	out := make([]string, n)
	lb, rb := strings.Repeat(" ", lw), strings.Repeat(" ", rw)
	for i := range n {
		a, b := lb, rb
		if i < len(l) {
			a = l[i]
		}
		if i < len(r) {
			b = r[i]
		}
		out[i] = a + " " + b
	}
	return out
}

// column stacks panels in w columns: each gets its least height, panels
// that do not fit are dropped from the end, and what is left goes to the
// panels that want more, in order.
func (m *Model) column(ps []panel, w, budget int) []string {
	least := make([]int, len(ps))
	want := make([]int, len(ps))
	used := 0
	n := 0
	for i := range ps {
		least[i], want[i] = ps[i].height(m, w)
		if used+least[i] > budget {
			break
		}
		used += least[i]
		n++
	}
	hs := least[:n:n]
	spare := budget - used
	// The panels that need the least extra are served first, so one big
	// panel (64 cores) does not starve the small ones of their last lines.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return (want[a] - least[a]) - (want[b] - least[b]) })
	for _, i := range order {
		add := min(spare, want[i]-hs[i])
		if add > 0 {
			hs[i] += add
			spare -= add
		}
	}
	var out []string
	for i := range hs {
		out = append(out, m.cached(&ps[i], w, hs[i])...)
	}
	return out
}

// compact is the small-terminal form: one line per panel.
func (m *Model) compact(budget int) []string {
	var out []string
	for _, p := range panelDefs() {
		if len(out) >= budget {
			break
		}
		if m.visible(p.name) {
			out = append(out, p.line(m, m.w))
		}
	}
	return out
}

// title is a panel's first line: its name, a rule, and a short summary.
func title(t *theme, name, info string, w int) string {
	r := newRow(w)
	r.add(t.title, name)
	rule := w - textWidth(name) - textWidth(info) - 3
	if rule > 0 {
		r.add(t.dim, " "+strings.Repeat("─", rule)+" ")
	} else {
		r.space(1)
	}
	r.add(t.dim, info)
	return r.done()
}

// sensorProblem is the line a panel shows instead of values when its
// sensor failed or has not reported yet; "" when it has values.
func (m *Model) sensorProblem(sensor string) (string, bool) {
	r := m.last[sensor]
	switch {
	case r == nil && m.sensorOff(sensor):
		return m.tx.SensorOff(), true
	case r == nil:
		return m.tx.Waiting(), true
	case r.Err != "" && len(r.Metrics) == 0:
		return m.tx.SensorFailed(r.Err), true
	}
	return "", false
}

// sensorOff reports whether the engine runs without the sensor, once its
// health says which sensors it runs.
func (m *Model) sensorOff(sensor string) bool {
	if len(m.health.Sensors) == 0 {
		return false
	}
	for _, s := range m.health.Sensors {
		if s.Name == sensor {
			return false
		}
	}
	return true
}

// problemLines renders a panel that has nothing else to show; a sensor
// that reported has failed, which is worse than not having reported.
func (m *Model) problemLines(panel, sensor string, w int) []string {
	msg, _ := m.sensorProblem(sensor)
	r := newRow(w)
	p := m.th.dim
	if m.last[sensor] != nil {
		p = m.th.status[reading.Critical]
	}
	r.add(p, msg)
	return []string{title(m.th, m.tx.Panel(panel), "", w), r.done()}
}

// lineLabel starts a panel's one-line form: its short name, padded so the
// values of every line start in one column.
func (m *Model) lineLabel(ln *row, panel string) {
	w := 0
	for _, p := range [...]string{"cpu", "memory", "load", "temperature", "disk", "network"} {
		w = max(w, textWidth(m.tx.PanelShort(p)))
	}
	ln.add(m.th.title, padRight(m.tx.PanelShort(panel), w)+" ")
}

// staleNote adds a sensor error to a panel that still shows older values.
func (m *Model) staleNote(r *reading.Reading) string {
	if r.Err != "" {
		return m.tx.SensorFailed(r.Err)
	}
	return ""
}
