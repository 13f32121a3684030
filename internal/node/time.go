package node

import (
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	timeSeconds = &reading.Family{Name: "node_time_seconds",
		Help: "System time in seconds since epoch (1970).", Type: reading.Gauge}
	timeZoneOffset = &reading.Family{Name: "node_time_zone_offset_seconds",
		Help: "System time zone offset in seconds.", Type: reading.Gauge, Labels: []string{"time_zone"}}
	clocksourceAvailable = &reading.Family{Name: "node_time_clocksource_available_info",
		Help: "Available clocksources read from '/sys/devices/system/clocksource'.", Type: reading.Gauge, Labels: []string{"device", "clocksource"}}
	clocksourceCurrent = &reading.Family{Name: "node_time_clocksource_current_info",
		Help: "Current clocksource read from '/sys/devices/system/clocksource'.", Type: reading.Gauge, Labels: []string{"device", "clocksource"}}
)

// timeCollector is node_exporter's time collector: the clock, its zone,
// and the kernel's clocksources.
type timeCollector struct {
	env Env
	fs  procfs.FS
	// sources holds each clocksourceN directory's two files open, so a
	// scrape is two preads where it was a directory listing and two
	// opens, reads and closes. Both files are still read at every scrape:
	// the current clocksource changes when the kernel finds the TSC
	// unstable, and the available ones when a driver registers one.
	//
	// The directories are listed once: the kernel registers its one
	// clocksource device at boot and never removes it. Should a
	// directory go all the same, its files fail to read (sysfs fails a
	// held descriptor of a removed file), and that scrape reads the
	// directories afresh, as before, and the next lists them again. No
	// listing is kept while there are none.
	sources []heldClockSource
	buf     []byte
	// lv is reused for label values: a variadic argument through a func
	// value would be a heap slice per sample.
	lv [2]string
}

type heldClockSource struct {
	h  *procfs.HeldAttrs
	cs procfs.ClockSource
}

func newTime(env Env) (Collector, error) { return &timeCollector{env: env, fs: env.FS}, nil }

func (c *timeCollector) Update(emit reading.Emit) error {
	now := c.env.now()
	emit(timeSeconds, float64(now.UnixNano())/1e9)
	zone, offset := now.Zone()
	c.lv[0] = zone
	emit(timeZoneOffset, float64(offset), c.lv[:1]...)
	if err := c.readHeld(); err == nil {
		for i := range c.sources {
			c.emitClockSource(emit, i, &c.sources[i].cs)
		}
		return nil
	}
	c.closeHeld()
	sources, err := c.fs.ClockSources()
	if err != nil {
		return err
	}
	for i := range sources {
		c.emitClockSource(emit, i, &sources[i])
	}
	return nil
}

// readHeld lists the clocksources if they are not listed yet, and reads
// each through its held files.
func (c *timeCollector) readHeld() error {
	if c.sources == nil {
		names, err := c.fs.ClockSourceNames()
		if err != nil {
			return err
		}
		for _, n := range names {
			c.sources = append(c.sources, heldClockSource{h: c.fs.ClockSourceHeld(n), cs: procfs.ClockSource{Name: n}})
		}
	}
	for i := range c.sources {
		s := &c.sources[i]
		var err error
		if c.buf, err = procfs.ReadClockSourceHeld(s.h, &s.cs, c.buf); err != nil {
			return err
		}
	}
	return nil
}

func (c *timeCollector) closeHeld() {
	for _, s := range c.sources {
		s.h.Close()
	}
	c.sources = nil
}

// emitClockSource emits the clocksource at position i. The device label
// is the position, as node_exporter numbers it, which is N of
// clocksourceN on every kernel so far.
func (c *timeCollector) emitClockSource(emit reading.Emit, i int, s *procfs.ClockSource) {
	c.lv[0] = strconv.Itoa(i)
	for _, a := range s.Available {
		c.lv[1] = a
		emit(clocksourceAvailable, 1, c.lv[:]...)
	}
	c.lv[1] = s.Current
	emit(clocksourceCurrent, 1, c.lv[:]...)
}
