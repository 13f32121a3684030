package tui

import (
	"cmp"
	"slices"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

type fsRow struct {
	mount       string
	used        *reading.Metric
	size, avail float64
	ro          bool
	failed      float64 // fs.error: reading.FSErrFailed or FSErrAbsent
}

type devRow struct {
	dev               string
	read, write, busy float64
	busyM             *reading.Metric
}

// disksOf returns filesystems in mount order and devices in name order.
func disksOf(r *reading.Reading) ([]fsRow, []devRow) {
	var fs []fsRow
	var devs []devRow
	fsAt := map[string]int{}
	devAt := map[string]int{}
	for i := range r.Metrics {
		mt := &r.Metrics[i]
		switch mt.Name {
		case reading.FSUsedPercent, reading.FSSize, reading.FSAvail, reading.FSReadOnly, reading.FSError:
			j := rowOf(&fs, fsAt, mt.Label("mountpoint"), func(mp string) fsRow { return fsRow{mount: mp} })
			switch mt.Name {
			case reading.FSUsedPercent:
				fs[j].used = mt
			case reading.FSSize:
				fs[j].size = mt.Value
			case reading.FSAvail:
				fs[j].avail = mt.Value
			case reading.FSReadOnly:
				fs[j].ro = mt.Value == 1
			case reading.FSError:
				fs[j].failed = mt.Value
			}
		case reading.DiskReadBytes, reading.DiskWriteBytes, reading.DiskBusy:
			j := rowOf(&devs, devAt, mt.Label("device"), func(d string) devRow { return devRow{dev: d} })
			switch mt.Name {
			case reading.DiskReadBytes:
				devs[j].read = mt.Value
			case reading.DiskWriteBytes:
				devs[j].write = mt.Value
			case reading.DiskBusy:
				devs[j].busy, devs[j].busyM = mt.Value, mt
			}
		}
	}
	slices.SortFunc(fs, func(a, b fsRow) int { return cmp.Compare(a.mount, b.mount) })
	slices.SortFunc(devs, func(a, b devRow) int { return cmp.Compare(a.dev, b.dev) })
	return fs, devs
}

func (m *Model) diskHeight(int) (int, int) {
	r := m.last[reading.SensorDisk]
	if _, bad := m.sensorProblem(reading.SensorDisk); bad {
		return 2, 2
	}
	fs, devs := disksOf(r)
	return 2, 1 + len(fs) + len(devs)
}

// viewDisks draws a usage bar per filesystem, then read/write rates and
// busy time per device.
func (m *Model) viewDisks(w, h int) []string {
	if _, bad := m.sensorProblem(reading.SensorDisk); bad {
		return m.problemLines("disk", reading.SensorDisk, w)
	}
	t := m.th
	r := m.last[reading.SensorDisk]
	fs, devs := disksOf(r)
	lines := []string{title(t, m.tx.Panel("disk"), m.staleNote(r), w)}
	ln := newRow(w)
	mountW := min(16, w/4)
	for _, f := range fs {
		if len(lines) >= h-min(len(devs), 1) && len(lines) > 1 {
			break
		}
		ln.reset(w)
		ln.add(t.text, padRight(cut(text.Printable(f.mount), mountW), mountW)+" ")
		switch {
		case f.failed == reading.FSErrAbsent:
			ln.add(t.dim, m.tx.Unavailable())
			lines = append(lines, ln.done())
			continue
		case f.failed != 0 || f.used == nil:
			ln.add(t.status[reading.Critical], m.tx.NotResponding())
			lines = append(lines, ln.done())
			continue
		}
		p := t.level(m.level(reading.SensorDisk, f.used))
		ln.bar(p, t.dim, f.used.Value/100, max(4, w/4))
		ln.add(p, padLeft(pct(f.used.Value), 6)+"%")
		ln.add(t.text, "  "+bytesIEC(f.avail))
		ln.add(t.dim, m.tx.FreeOf(bytesIEC(f.size)))
		if f.ro {
			ln.add(t.dim, " ro")
		}
		lines = append(lines, ln.done())
	}
	for _, d := range devs {
		if len(lines) >= h {
			break
		}
		ln.reset(w)
		ln.add(t.text, padRight(cut(text.Printable(d.dev), mountW), mountW)+" ")
		ln.add(t.dim, m.tx.Read()+" ")
		ln.add(t.text, padLeft(rate(d.read), 9))
		ln.add(t.dim, "  "+m.tx.Write()+" ")
		ln.add(t.text, padLeft(rate(d.write), 9))
		if d.busyM != nil {
			ln.add(t.dim, "  "+m.tx.Busy()+" ")
			ln.add(t.level(m.level(reading.SensorDisk, d.busyM)), pct(d.busy)+"%")
		}
		lines = append(lines, ln.done())
	}
	return lines
}

func (m *Model) diskLine(w int) string {
	t := m.th
	ln := newRow(w)
	m.lineLabel(ln, "disk")
	if msg, bad := m.sensorProblem(reading.SensorDisk); bad {
		ln.add(t.dim, msg)
		return ln.done()
	}
	fs, devs := disksOf(m.last[reading.SensorDisk])
	var rd, wr float64
	for _, d := range devs {
		rd += d.read
		wr += d.write
	}
	ln.group(part{t.dim, m.tx.ReadShort() + " "}, part{t.text, rate(rd)})
	ln.group(part{t.dim, " " + m.tx.WriteShort() + " "}, part{t.text, rate(wr)})
	for _, f := range fs {
		if f.used == nil {
			continue
		}
		if !ln.group(part{t.dim, "  " + cut(text.Printable(f.mount), 12) + " "}, part{t.level(m.level(reading.SensorDisk, f.used)), pct(f.used.Value) + "%"}) {
			break
		}
	}
	return ln.done()
}
