package sensor

import (
	"context"
	"errors"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// ErrNoSensors says the machine has no hwmon temperature or fan channel and
// no thermal zone, as in most virtual machines. Temperature.Read does not
// return it (such a reading carries the note reading.NoTemperatureSensors); Probe
// does, for callers that want to say so once or export the sensor as down.
var ErrNoSensors = errors.New(reading.NoTemperatureSensors)

// Temperature reports every hwmon temperature and fan channel and every
// thermal zone; its primary value is the hottest plausible temperature.
//
// Finding the channels (listing directories, resolving device links,
// reading names, labels and limits) costs several times more than reading
// their values, and changes only when a device comes or goes. So Read finds
// them once, then reads only the input files, and looks again every
// TemperatureRescan or as soon as an input file has disappeared.
type Temperature struct {
	fs procfs.FS

	layout  thermalSample
	scanned time.Time
	rescan  bool
}

// TemperatureRescan is how often Temperature looks for sensors that appeared
// or disappeared (a USB drive's sensor, a module loaded).
const TemperatureRescan = time.Minute

// NewTemperature returns a temperature sensor reading under fs's sysfs root.
func NewTemperature(fs procfs.FS) *Temperature { return &Temperature{fs: fs} }

// Name returns reading.SensorTemperature.
func (t *Temperature) Name() string { return reading.SensorTemperature }

// thermalSample is one pass over hwmon and the thermal zones.
type thermalSample struct {
	chips []procfs.HwmonChip
	zones []procfs.ThermalZone
}

func (s thermalSample) empty() bool {
	for _, c := range s.chips {
		if len(c.Sensors) > 0 {
			return false
		}
	}
	return len(s.zones) == 0
}

// Probe reads the sensors once and returns ErrNoSensors when there are
// none, the read's error when it failed, and nil otherwise.
func (t *Temperature) Probe() error {
	s, err := t.sample()
	if err != nil {
		return err
	}
	if s.empty() {
		return ErrNoSensors
	}
	return nil
}

// Read samples hwmon and the thermal zones. The files are small and
// in-memory, so ctx is not consulted; a channel whose file fails to read
// (EIO, ENODATA from an absent probe) is left out rather than failing the
// reading. A machine without sensors gives a reading with no metrics and the
// note reading.NoTemperatureSensors.
func (t *Temperature) Read(_ context.Context, now time.Time) (reading.Reading, error) {
	if t.rescan || t.scanned.IsZero() || now.Sub(t.scanned) >= TemperatureRescan || now.Before(t.scanned) {
		s, err := t.sample()
		if err != nil {
			return reading.Reading{}, err
		}
		t.layout, t.scanned, t.rescan = s, now, false
		return temperatureReading(now, s), nil
	}
	return temperatureReading(now, t.refresh()), nil
}

// Temperatures outside this range are a disconnected or broken probe (drivers
// report -128, 127 or 255 for those), not heat: they are still exported but
// never become the primary value, so one bad probe raises no alert.
const (
	plausibleTempMin = -40
	plausibleTempMax = 125
)

func temperatureReading(now time.Time, s thermalSample) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorTemperature, Time: now}
	if s.empty() {
		r.Note = reading.NoTemperatureSensors
		for _, c := range s.chips {
			r.Metrics = append(r.Metrics, hwmonChip(c))
			if c.Denied > 0 {
				r.Note = reading.TemperatureNeedsRoot
			}
		}
		return r
	}
	hottest, found := 0.0, false
	consider := func(v float64) {
		if v > plausibleTempMin && v < plausibleTempMax && (!found || v > hottest) {
			hottest, found = v, true
		}
	}
	var ms []reading.Metric
	for _, c := range s.chips {
		ms = append(ms, hwmonChip(c))
		for _, sn := range c.Sensors {
			labels := hwmonLabels(c, sn)
			if sn.Type == "fan" {
				ms = append(ms, reading.Metric{Name: reading.HwmonFan, Labels: labels, Value: sn.Input, Unit: reading.RPM})
				continue
			}
			consider(sn.Input)
			ms = append(ms, reading.Metric{Name: reading.HwmonTemp, Labels: labels, Value: sn.Input, Unit: reading.Celsius})
			if sn.HasMax {
				ms = append(ms, reading.Metric{Name: reading.HwmonTempMax, Labels: labels, Value: sn.Max, Unit: reading.Celsius})
			}
			if sn.HasCrit {
				ms = append(ms, reading.Metric{Name: reading.HwmonTempCrit, Labels: labels, Value: sn.Crit, Unit: reading.Celsius})
			}
		}
	}
	for _, z := range s.zones {
		consider(z.Temp)
		ms = append(ms, reading.Metric{
			Name:   reading.ThermalZone,
			Labels: []reading.Label{{Name: "type", Value: z.Type}, {Name: "zone", Value: z.Zone}},
			Value:  z.Temp, Unit: reading.Celsius,
		})
	}
	if found {
		r.Primary = reading.TempMax
		ms = append([]reading.Metric{{Name: reading.TempMax, Value: hottest, Unit: reading.Celsius}}, ms...)
	}
	r.Metrics = ms
	return r
}

// hwmonChip gives a chip's hwmon.chip metric. Every chip has one, also a
// chip with no temperature or fan channel, so every chip is named wherever
// the readings go, as node_exporter's node_hwmon_chip_names names them all.
func hwmonChip(c procfs.HwmonChip) reading.Metric {
	labels := []reading.Label{{Name: "chip", Value: c.Chip}}
	if c.Name != "" {
		labels = append(labels, reading.Label{Name: "chip_name", Value: c.Name})
	}
	return reading.Metric{Name: reading.HwmonChip, Labels: labels, Value: float64(len(c.Sensors))}
}

// hwmonLabels gives node_exporter's chip and sensor labels plus the chip's
// name and the channel's label where the driver has them. One slice is
// shared by a channel's input, max and crit metrics: readings are never
// mutated once built.
func hwmonLabels(c procfs.HwmonChip, s procfs.HwmonSensor) []reading.Label {
	labels := make([]reading.Label, 0, 4)
	labels = append(labels, reading.Label{Name: "chip", Value: c.Chip})
	if c.Name != "" {
		labels = append(labels, reading.Label{Name: "chip_name", Value: c.Name})
	}
	if s.Label != "" {
		labels = append(labels, reading.Label{Name: "label", Value: s.Label})
	}
	return append(labels, reading.Label{Name: "sensor", Value: s.Sensor()})
}
