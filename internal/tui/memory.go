package tui

import (
	"github.com/vigia-dev/vigia/internal/reading"
)

func (m *Model) memHeight(int) (int, int) {
	if _, bad := m.sensorProblem(reading.SensorMemory); bad {
		return 2, 2
	}
	n := 3
	if _, ok := m.last[reading.SensorMemory].Value(reading.CgroupMemMax); ok {
		n++
	}
	return n, n + 5
}

// memBar writes one "name ▕bar▏ pct  used / total" line.
func (m *Model) memBar(ln *row, name string, lv reading.Status, used, total float64, w int) {
	t := m.th
	p := t.level(lv)
	frac := 0.0
	if total > 0 {
		frac = used / total
	}
	ln.add(t.text, name)
	ln.bar(p, t.dim, frac, max(4, w/3))
	ln.group(part{p, padLeft(pct(frac*100), 6) + "%"})
	ln.group(part{t.text, "  " + bytesIEC(used)}, part{t.dim, " / " + bytesIEC(total)})
}

// viewMemory draws memory and swap bars, the cgroup limit when vigia runs
// under one, and the history of memory use.
func (m *Model) viewMemory(w, h int) []string {
	if _, bad := m.sensorProblem(reading.SensorMemory); bad {
		return m.problemLines("memory", reading.SensorMemory, w)
	}
	t := m.th
	r := m.last[reading.SensorMemory]
	total, _ := r.Value(reading.MemTotal)
	info := m.tx.MemTotal(bytesIEC(total))
	if n := m.staleNote(r); n != "" {
		info = n
	}
	lines := make([]string, 0, h)
	lines = append(lines, title(t, m.tx.Panel("memory"), info, w))
	val := func(name string) float64 { v, _ := r.Value(name); return v }
	ln := newRow(w)
	m.memBar(ln, "mem  ", m.primaryLevel(r), val(reading.MemUsed), total, w)
	if v, ok := r.Value(reading.MemAvailable); ok {
		ln.add(t.dim, "  "+m.tx.Avail()+" ")
		ln.add(t.text, bytesIEC(v))
	}
	if v, ok := r.Value(reading.MemCached); ok {
		ln.add(t.dim, "  "+m.tx.Cached()+" ")
		ln.add(t.text, bytesIEC(v))
	}
	lines = append(lines, ln.done())
	ln.reset(w)
	swapTotal := val(reading.SwapTotal)
	if swapTotal > 0 {
		m.memBar(ln, "swap ", m.metricLevel(r, reading.SwapUsedPercent), val(reading.SwapUsed), swapTotal, w)
		m.swapTraffic(ln, r)
	} else {
		ln.add(t.text, "swap ")
		ln.add(t.dim, m.tx.NoSwap())
	}
	lines = append(lines, ln.done())
	if max, ok := r.Value(reading.CgroupMemMax); ok && len(lines) < h {
		ln.reset(w)
		m.memBar(ln, "cgrp ", m.metricLevel(r, reading.CgroupMemUsedPercent), val(reading.CgroupMemCurrent), max, w)
		ln.add(t.dim, " "+m.tx.Limit())
		lines = append(lines, ln.done())
	}
	if g := h - len(lines); g > 0 {
		lines = append(lines, graph(&m.memHist, w, g, 100, t.level(m.primaryLevel(r)))...)
	}
	return lines
}

// swapTraffic adds what goes in and out of swap, named as vmstat(8) names
// its columns (si, so), when there is any: traffic, not use, is what makes
// a machine slow, so it is coloured by the rules on it.
func (m *Model) swapTraffic(ln *row, r *reading.Reading) {
	for _, s := range [...]struct{ name, label string }{{reading.SwapIn, "  si "}, {reading.SwapOut, "  so "}} {
		if v, ok := r.Value(s.name); ok && v > 0 && ln.fits(s.label+rate(v)) {
			ln.add(m.th.dim, s.label)
			ln.add(m.th.level(m.metricLevel(r, s.name)), rate(v))
		}
	}
}

// metricLevel is the status of an unlabelled metric of r.
func (m *Model) metricLevel(r *reading.Reading, name string) reading.Status {
	for i := range r.Metrics {
		if r.Metrics[i].Name == name && len(r.Metrics[i].Labels) == 0 {
			return m.level(r.Sensor, &r.Metrics[i])
		}
	}
	return reading.Normal
}

func (m *Model) memLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "memory")
	if msg, bad := m.sensorProblem(reading.SensorMemory); bad {
		ln.add(t.dim, msg)
		return ln.done()
	}
	r := m.last[reading.SensorMemory]
	total, _ := r.Value(reading.MemTotal)
	used, _ := r.Value(reading.MemUsed)
	m.memBar(ln, "", m.primaryLevel(r), used, total, 60)
	if st, _ := r.Value(reading.SwapTotal); st > 0 {
		su, _ := r.Value(reading.SwapUsed)
		p := t.level(m.metricLevel(r, reading.SwapUsedPercent))
		ln.group(part{t.text, "  swap "}, part{p, pct(su/st*100) + "%"})
	}
	if mx, ok := r.Value(reading.CgroupMemMax); ok {
		cur, _ := r.Value(reading.CgroupMemCurrent)
		ln.group(part{t.text, "  cgroup "}, part{t.level(m.metricLevel(r, reading.CgroupMemUsedPercent)), bytesIEC(cur) + "/" + bytesIEC(mx)})
	}
	m.swapTraffic(ln, r)
	return ln.done()
}
