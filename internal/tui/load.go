package tui

import (
	"strconv"

	"github.com/vigia-dev/vigia/internal/reading"
)

func (m *Model) loadHeight(int) (int, int) {
	if _, bad := m.sensorProblem(reading.SensorLoad); bad {
		return 2, 2
	}
	return 2, 5
}

func (m *Model) loadSummary(ln *row, r *reading.Reading) {
	t := m.th
	for i, name := range [...]string{reading.Load1, reading.Load5, reading.Load15} {
		v, _ := r.Value(name)
		p := t.text
		if i == 0 {
			p = t.level(m.primaryLevel(r))
		}
		ln.add(p, strconv.FormatFloat(v, 'f', 2, 64))
		ln.space(1)
	}
	if v, ok := r.Value(reading.LoadPercent); ok {
		ln.group(part{t.dim, " " + m.tx.PerCore() + " "}, part{t.level(m.primaryLevel(r)), pct(v) + "%"})
	}
}

// psi returns one pressure value, and whether the kernel reports it.
func psi(r *reading.Reading, resource, kind, window string) (*reading.Metric, bool) {
	for i := range r.Metrics {
		mt := &r.Metrics[i]
		if mt.Name == reading.Pressure && mt.Label("resource") == resource && mt.Label("kind") == kind && mt.Label("window") == window {
			return mt, true
		}
	}
	return nil, false
}

// viewLoad draws the load averages and, per resource, the pressure stall
// percentages over 10 s, 60 s and 300 s.
func (m *Model) viewLoad(w, h int) []string {
	if _, bad := m.sensorProblem(reading.SensorLoad); bad {
		return m.problemLines("load", reading.SensorLoad, w)
	}
	t := m.th
	r := m.last[reading.SensorLoad]
	info := ""
	if run, ok := r.Value(reading.LoadRunnable); ok {
		tasks, _ := r.Value(reading.LoadTasks)
		info = m.tx.Runnable(int(run), int(tasks))
	}
	if n := m.staleNote(r); n != "" {
		info = n
	}
	lines := []string{title(t, m.tx.Panel("load"), info, w)}
	ln := newRow(w)
	ln.add(t.text, m.tx.LoadLabel()+" ")
	m.loadSummary(ln, r)
	lines = append(lines, ln.done())
	any := false
	for _, res := range [...]string{"cpu", "memory", "io"} {
		if len(lines) >= h {
			break
		}
		ln.reset(w)
		ln.add(t.text, "psi "+padRight(res, 7))
		seen := false
		for _, kind := range [...]string{"some", "full"} {
			if _, ok := psi(r, res, kind, "avg10"); !ok {
				continue
			}
			seen = true
			ln.add(t.dim, kind+" ")
			for _, win := range [...]string{"avg10", "avg60", "avg300"} {
				mt, _ := psi(r, res, kind, win)
				if mt == nil {
					continue
				}
				ln.add(t.level(m.level(reading.SensorLoad, mt)), padLeft(pct(mt.Value), 5))
				ln.space(1)
			}
			ln.space(1)
		}
		if seen {
			any = true
			lines = append(lines, ln.done())
		}
	}
	if !any && len(lines) < h {
		ln.reset(w)
		ln.add(t.dim, m.tx.NoPSI())
		lines = append(lines, ln.done())
	}
	return lines
}

func (m *Model) loadLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "load")
	if msg, bad := m.sensorProblem(reading.SensorLoad); bad {
		ln.add(t.dim, msg)
		return ln.done()
	}
	r := m.last[reading.SensorLoad]
	m.loadSummary(ln, r)
	head := "  psi10 "
	for _, res := range [...]string{"cpu", "memory", "io"} {
		if mt, ok := psi(r, res, "some", "avg10"); ok {
			if !ln.group(part{t.dim, head + res + " "}, part{t.level(m.level(reading.SensorLoad, mt)), pct(mt.Value)}) {
				break
			}
			head = " "
		}
	}
	return ln.done()
}

func padRight(s string, w int) string {
	for n := textWidth(s); n < w; n++ {
		s += " "
	}
	return s
}
