package tui

import (
	"cmp"
	"slices"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

type netRow struct {
	dev    string
	rx, tx float64
	errs   float64
}

func netsOf(r *reading.Reading) []netRow {
	var ns []netRow
	at := map[string]int{}
	for i := range r.Metrics {
		mt := &r.Metrics[i]
		switch mt.Name {
		case reading.NetRxBytes, reading.NetTxBytes, reading.NetRxErrors, reading.NetTxErrors:
		default:
			continue
		}
		j := rowOf(&ns, at, mt.Label("device"), func(d string) netRow { return netRow{dev: d} })
		switch mt.Name {
		case reading.NetRxBytes:
			ns[j].rx = mt.Value
		case reading.NetTxBytes:
			ns[j].tx = mt.Value
		default:
			ns[j].errs += mt.Value
		}
	}
	// Busiest first: the interface that matters is at the top.
	slices.SortStableFunc(ns, func(a, b netRow) int {
		switch {
		case a.rx+a.tx > b.rx+b.tx:
			return -1
		case a.rx+a.tx < b.rx+b.tx:
			return 1
		}
		return cmp.Compare(a.dev, b.dev)
	})
	return ns
}

func (m *Model) netHeight(int) (int, int) {
	if _, bad := m.sensorProblem(reading.SensorNetwork); bad {
		return 2, 2
	}
	return 2, 1 + len(netsOf(m.last[reading.SensorNetwork])) + 4
}

// viewNetwork draws received and sent rates per interface and the history
// of both over all interfaces but lo.
func (m *Model) viewNetwork(w, h int) []string {
	if _, bad := m.sensorProblem(reading.SensorNetwork); bad {
		return m.problemLines("network", reading.SensorNetwork, w)
	}
	t := m.th
	r := m.last[reading.SensorNetwork]
	ns := netsOf(r)
	info := "↓ " + rate(m.rxHist.at(0)) + "  ↑ " + rate(m.txHist.at(0))
	if m.rxHist.n == 0 {
		info = ""
	}
	if n := m.staleNote(r); n != "" {
		info = n
	}
	lines := []string{title(t, m.tx.Panel("network"), info, w)}
	g := 0
	if h-1-len(ns) >= 2 {
		g = min(4, h-1-len(ns))
	}
	ln := newRow(w)
	devW := min(16, w/4)
	for _, n := range ns {
		if len(lines) >= h-g {
			break
		}
		ln.reset(w)
		ln.add(t.text, padRight(cut(text.Printable(n.dev), devW), devW)+" ")
		ln.add(t.rx, "↓ "+padLeft(rate(n.rx), 9))
		ln.add(t.tx, "  ↑ "+padLeft(rate(n.tx), 9))
		if n.errs > 0 {
			ln.add(t.status[reading.Warning], "  "+m.tx.NetErrors(trimFloat(n.errs)))
		}
		lines = append(lines, ln.done())
	}
	if g > 0 {
		top := max(m.rxHist.max(2*w), m.txHist.max(2*w), 1024)
		rx := graph(&m.rxHist, w, g/2+g%2, top, t.rx)
		tx := graph(&m.txHist, w, g/2, top, t.tx)
		lines = append(lines, rx...)
		lines = append(lines, tx...)
	}
	return lines
}

func (m *Model) netLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "network")
	if msg, bad := m.sensorProblem(reading.SensorNetwork); bad {
		ln.add(t.dim, msg)
		return ln.done()
	}
	ln.group(part{t.rx, "↓ " + rate(m.rxHist.at(0))})
	ln.group(part{t.tx, "  ↑ " + rate(m.txHist.at(0))})
	for _, n := range netsOf(m.last[reading.SensorNetwork]) {
		if n.dev == "lo" {
			continue
		}
		if !ln.group(part{t.dim, "  " + cut(text.Printable(n.dev), 10) + " "}, part{t.text, rate(n.rx + n.tx)}) {
			break
		}
	}
	return ln.done()
}
