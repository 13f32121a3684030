package tui

import (
	"cmp"
	"slices"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

type temp struct {
	chip, name string
	m          *reading.Metric
	max, crit  float64 // 0 when the chip gives none
}

// tempsOf pairs every hwmon temperature with its max and crit, or falls
// back to thermal zones on machines that only have those.
func tempsOf(r *reading.Reading) []temp {
	var ts []temp
	limits := map[string][2]float64{}
	for i := range r.Metrics {
		mt := &r.Metrics[i]
		switch mt.Name {
		case reading.HwmonTemp:
			name := mt.Label("label")
			if name == "" {
				name = mt.Label("sensor")
			}
			ts = append(ts, temp{chip: mt.Label("chip_name"), name: name, m: mt})
		case reading.HwmonTempMax, reading.HwmonTempCrit:
			k := mt.Label("chip") + "\x00" + mt.Label("sensor")
			l := limits[k]
			if mt.Name == reading.HwmonTempMax {
				l[0] = mt.Value
			} else {
				l[1] = mt.Value
			}
			limits[k] = l
		}
	}
	for i := range ts {
		l := limits[ts[i].m.Label("chip")+"\x00"+ts[i].m.Label("sensor")]
		ts[i].max, ts[i].crit = l[0], l[1]
	}
	if len(ts) == 0 {
		for i := range r.Metrics {
			if mt := &r.Metrics[i]; mt.Name == reading.ThermalZone {
				ts = append(ts, temp{chip: "thermal", name: mt.Label("type"), m: mt})
			}
		}
	}
	slices.SortStableFunc(ts, func(a, b temp) int {
		return cmp.Or(cmp.Compare(a.chip, b.chip), cmp.Compare(a.m.Label("chip"), b.m.Label("chip")))
	})
	return ts
}

// tempLevel is the worse of the rules' status and the chip's own limits.
func (m *Model) tempLevel(t *temp) reading.Status {
	s := m.level(reading.SensorTemperature, t.m)
	switch {
	case t.crit > 0 && t.m.Value >= t.crit:
		s = max(s, reading.Critical)
	case t.max > 0 && t.m.Value >= t.max:
		s = max(s, reading.Warning)
	}
	return s
}

func (m *Model) tempHeight(int) (int, int) {
	r := m.last[reading.SensorTemperature]
	if r == nil {
		return 2, 2
	}
	return 2, 1 + max(1, len(tempsOf(r)))
}

// noTemps says why there is no temperature: the sensor's note, or the
// note it gives when the machine has no sensors.
func (m *Model) noTemps(r *reading.Reading) string {
	if r.Note != "" {
		return text.Printable(m.tx.Note(r.Note))
	}
	return m.tx.Note(reading.NoTemperatureSensors)
}

// viewTemps draws each sensor against its max and critical limits, the
// hottest first when they do not all fit.
func (m *Model) viewTemps(w, h int) []string {
	r := m.last[reading.SensorTemperature]
	if r == nil || (r.Err != "" && len(r.Metrics) == 0) {
		return m.problemLines("temperature", reading.SensorTemperature, w)
	}
	t := m.th
	ts := tempsOf(r)
	info := ""
	if hot, ok := r.Value(reading.TempMax); ok {
		info = m.tx.Hottest(trimFloat(hot))
	}
	if n := m.staleNote(r); n != "" {
		info = n
	}
	lines := []string{title(t, m.tx.Panel("temperature"), info, w)}
	ln := newRow(w)
	if len(ts) == 0 {
		ln.add(t.dim, m.noTemps(r))
		return append(lines, ln.done())
	}
	hidden := 0
	if len(ts) > h-1 {
		slices.SortStableFunc(ts, func(a, b temp) int { return cmp.Compare(b.m.Value, a.m.Value) })
		keep := max(0, h-1)
		if keep >= 2 {
			keep-- // room for the note
			hidden = len(ts) - keep
		}
		ts = ts[:keep]
	}
	nameW := min(24, w/3)
	for i := range ts {
		tp := &ts[i]
		ln.reset(w)
		ln.add(t.dim, padRight(cut(text.Printable(tp.chip), 10), 10)+" ")
		ln.add(t.text, padRight(cut(text.Printable(tp.name), nameW), nameW)+" ")
		p := t.level(m.tempLevel(tp))
		scale := 100.0
		switch {
		case tp.crit > 0:
			scale = tp.crit
		case tp.max > 0:
			scale = tp.max
		}
		ln.bar(p, t.dim, tp.m.Value/scale, max(4, w/6))
		ln.add(p, padLeft(trimFloat(tp.m.Value), 6)+"°C")
		if tp.max > 0 {
			ln.add(t.dim, " "+m.tx.TempMax()+" "+trimFloat(tp.max))
		}
		if tp.crit > 0 {
			ln.add(t.dim, " "+m.tx.TempCrit()+" "+trimFloat(tp.crit))
		}
		lines = append(lines, ln.done())
	}
	if hidden > 0 {
		ln.reset(w)
		ln.add(t.dim, m.tx.CoolerHidden(hidden))
		lines = append(lines, ln.done())
	}
	return lines
}

func (m *Model) tempLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "temperature")
	r := m.last[reading.SensorTemperature]
	if r == nil || (r.Err != "" && len(r.Metrics) == 0) {
		msg, _ := m.sensorProblem(reading.SensorTemperature)
		if m.sensorOff(reading.SensorTemperature) {
			msg = m.tx.NotEnabled()
		}
		ln.add(t.dim, msg)
		return ln.done()
	}
	ts := tempsOf(r)
	if len(ts) == 0 {
		ln.add(t.dim, m.noTemps(r))
		return ln.done()
	}
	slices.SortStableFunc(ts, func(a, b temp) int { return cmp.Compare(b.m.Value, a.m.Value) })
	gap := ""
	for i := range ts {
		name := ts[i].name
		if ts[i].m.Label("label") == "" && ts[i].chip != "" {
			name = ts[i].chip
		}
		if !ln.group(part{t.dim, gap + cut(text.Printable(name), 14) + " "}, part{t.level(m.tempLevel(&ts[i])), trimFloat(ts[i].m.Value) + "°C"}) {
			break
		}
		gap = "  "
	}
	return ln.done()
}
