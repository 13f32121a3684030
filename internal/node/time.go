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
}

func newTime(env Env) (Collector, error) { return &timeCollector{env: env, fs: env.FS}, nil }

func (c *timeCollector) Update(emit reading.Emit) error {
	now := c.env.now()
	emit(timeSeconds, float64(now.UnixNano())/1e9)
	zone, offset := now.Zone()
	emit(timeZoneOffset, float64(offset), zone)
	sources, err := c.fs.ClockSources()
	if err != nil {
		return err
	}
	// The device label is the clocksource's position, as node_exporter
	// numbers it, which is N of clocksourceN on every kernel so far.
	for i, s := range sources {
		dev := strconv.Itoa(i)
		for _, a := range s.Available {
			emit(clocksourceAvailable, 1, dev, a)
		}
		emit(clocksourceCurrent, 1, dev, s.Current)
	}
	return nil
}
