package tui

import (
	"slices"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// recentLen is how many transitions the alerts panel remembers.
const recentLen = 50

// alerts follows the engine's transitions: which series are out of normal
// now, and what changed lately.
type alerts struct {
	active map[string]reading.Transition // by series key
	recent []reading.Transition          // newest last
}

func newAlerts() alerts { return alerts{active: map[string]reading.Transition{}} }

func seriesKey(sensor, metric string, labels []reading.Label) string {
	return sensor + "\x00" + metric + "\x00" + reading.Labels(labels).Key()
}

// open marks the series of trs as out of normal, as they were before the
// readings that follow: a replay's starting point.
func (a *alerts) open(trs []reading.Transition) {
	for _, t := range trs {
		if t.To > reading.Normal {
			a.active[seriesKey(t.Sensor, t.Metric, t.Labels)] = t
		}
	}
}

func (a *alerts) add(r *reading.Reading) {
	for _, t := range r.Transitions {
		s := t.Sensor
		if s == "" {
			s = r.Sensor
		}
		k := seriesKey(s, t.Metric, t.Labels)
		if t.To > reading.Normal {
			a.active[k] = t
		} else {
			delete(a.active, k)
		}
		a.recent = append(a.recent, t)
	}
	// Readings of different sensors arrive out of time order; the list
	// reads as a timeline.
	slices.SortStableFunc(a.recent, func(x, y reading.Transition) int { return x.Time.Compare(y.Time) })
	if n := len(a.recent); n > recentLen {
		a.recent = slices.Delete(a.recent, 0, n-recentLen)
	}
}

// level returns the status of one series: its open alert, else what the
// rules say of its value, else normal.
func (m *Model) level(sensor string, mt *reading.Metric) reading.Status {
	if len(m.alerts.active) > 0 {
		if t, ok := m.alerts.active[seriesKey(sensor, mt.Name, mt.Labels)]; ok {
			return t.To
		}
	}
	if m.opts.Level != nil {
		if s := m.opts.Level(sensor, *mt); s > reading.Unknown {
			return s
		}
	}
	return reading.Normal
}

// primaryLevel is the status of a reading's primary value: the reading's
// own status once analysed.
func (m *Model) primaryLevel(r *reading.Reading) reading.Status {
	if r.Status == reading.Unknown {
		return reading.Normal
	}
	return r.Status
}

// seriesName names a series briefly: a filesystem by its mount point, a
// device by its name, anything else by its labels.
func seriesName(metric string, labels []reading.Label) string {
	if len(labels) == 0 {
		return metric
	}
	ls := reading.Labels(labels)
	for _, only := range [...]string{"mountpoint", "device"} {
		if v := ls.Value(only); v != "" {
			return metric + "{" + v + "}"
		}
	}
	return ls.Series(metric)
}

func (m *Model) alertsHeight(int) (int, int) {
	want := 2 + len(m.alerts.active) + min(len(m.alerts.recent), 5)
	if len(m.alerts.active) == 0 && len(m.alerts.recent) == 0 {
		want = 2
	}
	return 2, want + len(m.notableEvents(eventsInPanel))
}

// viewAlerts lists open alerts, worst first, then the latest notable
// events and recent transitions, newest first.
func (m *Model) viewAlerts(w, h int) []string {
	t := m.th
	lines := make([]string, 0, h)
	lines = append(lines, title(t, m.tx.Panel("alerts"), m.tx.Active(len(m.alerts.active)), w))
	r := newRow(w)
	if len(m.alerts.active) == 0 {
		r.add(t.status[reading.Normal], "✓ ")
		r.add(t.dim, m.tx.AllNormal())
		lines = append(lines, r.done())
	}
	act := make([]reading.Transition, 0, len(m.alerts.active))
	for _, a := range m.alerts.active {
		act = append(act, a)
	}
	slices.SortFunc(act, func(a, b reading.Transition) int {
		if a.To != b.To {
			return int(b.To) - int(a.To)
		}
		return a.Since.Compare(b.Since)
	})
	for _, a := range act {
		if len(lines) >= h {
			break
		}
		r.reset(w)
		p := t.level(a.To)
		r.add(p, "● "+m.tx.Level(a.To)+" ")
		r.add(t.text, text.Printable(seriesName(a.Metric, a.Labels))+" ")
		r.add(p, trimFloat(a.Value))
		r.add(t.dim, m.tx.Since(clock(a.Since)))
		// The facts in the user's words; a transition replayed from the
		// history has only its English message.
		if what := m.tx.Alert(&a); what != "" {
			r.add(t.dim, "  "+text.Printable(what))
		}
		lines = append(lines, r.done())
	}
	// The latest OOM kills, throttling and pressure: the main view's
	// events pane, before the older transitions.
	lines = m.appendEventLines(lines, w, h)
	for i := len(m.alerts.recent) - 1; i >= 0 && len(lines) < h; i-- {
		a := m.alerts.recent[i]
		r.reset(w)
		r.add(t.dim, clock(a.Time)+" ")
		r.add(t.text, text.Printable(seriesName(a.Metric, a.Labels))+" ")
		r.add(t.level(a.From), m.tx.Level(a.From))
		r.add(t.dim, "→")
		r.add(t.level(a.To), m.tx.Level(a.To))
		r.add(t.dim, " "+trimFloat(a.Value))
		lines = append(lines, r.done())
	}
	return lines
}

func (m *Model) alertsLine(w int) string {
	t := m.th
	r := newRow(w)
	m.lineLabel(r, "alerts")
	if len(m.alerts.active) == 0 {
		r.add(t.status[reading.Normal], m.tx.NoneActive())
		if n := len(m.alerts.recent); n > 0 {
			a := m.alerts.recent[n-1]
			r.add(t.dim, "  "+m.tx.Last()+clock(a.Time)+" "+text.Printable(seriesName(a.Metric, a.Labels))+" "+m.tx.Level(a.From)+"→"+m.tx.Level(a.To))
		}
		return r.done()
	}
	worst := reading.Normal
	var first reading.Transition
	for _, a := range m.alerts.active {
		if a.To > worst || (a.To == worst && a.Since.Before(first.Since)) {
			worst, first = a.To, a
		}
	}
	r.add(t.level(worst), m.tx.Active(len(m.alerts.active))+": "+m.tx.Level(first.To)+" ")
	r.add(t.text, text.Printable(seriesName(first.Metric, first.Labels))+" "+trimFloat(first.Value))
	r.add(t.dim, m.tx.Since(clock(first.Since)))
	return r.done()
}
