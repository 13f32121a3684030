package tui

import (
	"slices"
	"strconv"

	"github.com/vigia-dev/vigia/internal/reading"
)

type core struct {
	id  int
	m   *reading.Metric
	val float64
}

// coresOf returns the per-core usage metrics in core order.
func coresOf(r *reading.Reading) []core {
	var cs []core
	for i := range r.Metrics {
		mt := &r.Metrics[i]
		if mt.Name != reading.CPUCoreUsage {
			continue
		}
		id, err := strconv.Atoi(mt.Label("cpu"))
		if err != nil {
			id = len(cs)
		}
		cs = append(cs, core{id: id, m: mt, val: mt.Value})
	}
	slices.SortFunc(cs, func(a, b core) int { return a.id - b.id })
	return cs
}

const (
	wideCell = 17 // " 12 ▕██████▏ 45.1" and a gap
	miniCell = 4  // "12▆" and a gap
)

func coreRows(n, w, cell int) int {
	per := max(1, w/cell)
	return (n + per - 1) / per
}

func (m *Model) cpuHeight(w int) (int, int) {
	r := m.last[reading.SensorCPU]
	if _, bad := m.sensorProblem(reading.SensorCPU); bad {
		return 2, 2
	}
	n := len(coresOf(r))
	return 2 + coreRows(n, w, miniCell), 2 + coreRows(n, w, wideCell) + 5
}

// viewCPU draws the total, per-mode split, a history graph, and one cell
// per core: wide bars when they fit, else a dense grid of level blocks.
func (m *Model) viewCPU(w, h int) []string {
	if _, bad := m.sensorProblem(reading.SensorCPU); bad {
		return m.problemLines("cpu", reading.SensorCPU, w)
	}
	t := m.th
	r := m.last[reading.SensorCPU]
	cs := coresOf(r)
	info := m.tx.Cores(len(cs))
	if n := m.staleNote(r); n != "" {
		info = n
	}
	lines := make([]string, 0, h)
	lines = append(lines, title(t, m.tx.Panel("cpu"), info, w))

	total, _ := r.Value(reading.CPUUsage)
	lv := t.level(m.primaryLevel(r))
	ln := newRow(w)
	ln.add(t.text, m.tx.Total()+" ")
	ln.bar(lv, t.dim, total/100, max(4, w/3))
	ln.add(lv, padLeft(pct(total), 6)+"%")
	for _, mode := range [...]string{"user", "system", "iowait", "steal"} {
		for i := range r.Metrics {
			mt := &r.Metrics[i]
			if mt.Name == reading.CPUMode && mt.Label("mode") == mode && (mt.Value >= 0.05 || mode == "user" || mode == "system") {
				ln.add(t.dim, "  "+mode[:3]+" ")
				ln.add(t.text, pct(mt.Value))
			}
		}
	}
	lines = append(lines, ln.done())

	cell := wideCell
	rows := coreRows(len(cs), w, cell)
	if h-2-rows < 2 {
		cell = miniCell
		rows = coreRows(len(cs), w, cell)
	}
	if g := h - 2 - rows; g > 0 {
		lines = append(lines, graph(&m.cpuHist, w, g, 100, t.graph)...)
	}
	per := max(1, w/cell)
	for y := 0; y < rows && len(lines) < h; y++ {
		ln.reset(w)
		for x := range per {
			i := y*per + x
			if i >= len(cs) {
				break
			}
			c := cs[i]
			p := t.level(m.level(reading.SensorCPU, c.m))
			id := strconv.Itoa(c.id)
			if cell == wideCell {
				ln.add(t.dim, padLeft(id, 3)+" ")
				ln.bar(p, t.dim, c.val/100, 6)
				ln.add(p, padLeft(pct(c.val), 5))
				ln.space(2)
			} else {
				ln.add(t.dim, padLeft(id, 2))
				ln.add(p, block(c.val/100))
				ln.space(1)
			}
		}
		lines = append(lines, ln.done())
	}
	return lines
}

// blocks are the nine heights of a level cell, as one string of
// three-byte runes after a space.
const blocks = " ▁▂▃▄▅▆▇█"

// block is one cell whose height shows frac (0..1).
func block(frac float64) string {
	i := int(frac*8 + 0.5)
	if frac > 0 && i == 0 {
		i = 1
	}
	i = max(0, min(i, 8))
	if i == 0 {
		return " "
	}
	return blocks[1+3*(i-1) : 1+3*i]
}

func (m *Model) cpuLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "cpu")
	if msg, bad := m.sensorProblem(reading.SensorCPU); bad {
		ln.add(t.dim, msg)
		return ln.done()
	}
	r := m.last[reading.SensorCPU]
	total, _ := r.Value(reading.CPUUsage)
	lv := t.level(m.primaryLevel(r))
	ln.bar(lv, t.dim, total/100, 20)
	if !ln.group(part{lv, padLeft(pct(total), 6) + "% "}) {
		ln.space(1)
	}
	cs := coresOf(r)
	if room := ln.room() - 1; len(cs) > 0 && len(cs) <= room/2 {
		ln.space(1)
		for _, c := range cs {
			ln.add(t.level(m.level(reading.SensorCPU, c.m)), block(c.val/100))
		}
		ln.space(1)
		ln.add(t.dim, m.tx.Cores(len(cs)))
		return ln.done()
	}
	ln.add(t.dim, strconv.Itoa(len(cs))+"c ")
	if g := ln.room(); g > 0 {
		ln.raw(graph(&m.cpuHist, g, 1, 100, t.graph)[0], g)
	}
	return ln.done()
}
