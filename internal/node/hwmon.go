package node

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	hwmonLabels    = []string{"chip", "sensor"}
	hwmonChipNames = &reading.Family{Name: "node_hwmon_chip_names", Help: "Annotation metric for human-readable chip names",
		Type: reading.Gauge, Labels: []string{"chip", "chip_name"}}
	hwmonSensorLabel = &reading.Family{Name: "node_hwmon_sensor_label", Help: "Label for given chip and sensor",
		Type: reading.Gauge, Labels: []string{"chip", "sensor", "label"}}
	hwmonBeep = &reading.Family{Name: "node_hwmon_beep_enabled", Help: "Hardware beep enabled",
		Type: reading.Gauge, Labels: hwmonLabels}
	hwmonVRM = &reading.Family{Name: "node_hwmon_voltage_regulator_version", Help: "Hardware voltage regulator",
		Type: reading.Gauge, Labels: hwmonLabels}
	hwmonUpdateInterval = &reading.Family{Name: "node_hwmon_update_interval_seconds", Help: "Hardware monitor update interval",
		Type: reading.Gauge, Labels: hwmonLabels}
)

// hwmon is node_exporter's hwmon collector: every attribute of the
// classes it knows (temp, in, curr, power, energy, fan, pwm, freq,
// humidity, intrusion, ...) of every chip under /sys/class/hwmon, named
// <class>_<property>_<unit> as node_exporter names them.
type hwmon struct {
	fs    procfs.FS
	names procfs.HwmonNames
	attrs []procfs.HwmonAttr
	buf   []byte
	// families caches the family of each class and property, built the
	// first time a chip shows it; byName keeps one shape per name where
	// two properties clean to the same one.
	families map[hwmonFamilyKey]hwmonFamily
	byName   map[string]*reading.Family
}

type hwmonFamilyKey struct {
	typ, prop string
	// bare: the channel also has a file without property ("freq1"), so
	// its input is exported as <class>_input, not <class>.
	bare bool
}

// hwmonFamily is a family with the factor from the file's unit to the
// exported one (millidegrees to degrees, microwatts to watts).
type hwmonFamily struct {
	f *reading.Family
	// mul and div: node_exporter multiplies by 0.001 but divides by
	// 1e6, and the two differ in the last bit (45123/1e6 is 0.045123,
	// 45123*1e-6 is not).
	mul, div float64
	// freqMHz: node_exporter exports a frequency input only when the
	// channel has a label, and in place of the sensor gives the label.
	freqMHz bool
}

func newHwmon(env Env) (Collector, error) {
	return &hwmon{fs: env.FS, families: map[hwmonFamilyKey]hwmonFamily{}, byName: map[string]*reading.Family{}}, nil
}

func (c *hwmon) Update(emit reading.Emit) error {
	chips, err := c.fs.HwmonChips(&c.names)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ErrNoData
		}
		return err
	}
	// As node_exporter: a chip whose directory cannot be listed is left
	// out and fails the scrape, and the other chips are still exported.
	var last error
	for _, chip := range chips {
		c.attrs, c.buf, err = procfs.HwmonAttrs(chip.Dir, c.attrs, c.buf)
		if err != nil {
			last = err
			continue
		}
		if chip.Name != "" {
			emit(hwmonChipNames, 1, chip.Chip, chip.Name)
		}
		for i := 0; i < len(c.attrs); {
			j := i + 1
			for j < len(c.attrs) && c.attrs[j].Type == c.attrs[i].Type && c.attrs[j].Num == c.attrs[i].Num {
				j++
			}
			c.channel(emit, chip.Chip, c.attrs[i:j])
			i = j
		}
	}
	return last
}

// channel exports one channel's attributes (all of one class and number,
// sorted by property, so a bare file comes first).
func (c *hwmon) channel(emit reading.Emit, chip string, attrs []procfs.HwmonAttr) {
	typ := attrs[0].Type
	sensor := attrs[0].Sensor()
	bare, label, hasLabel := "", "", false
	hasBare := attrs[0].Prop == ""
	if hasBare {
		bare = attrs[0].Value
	}
	for _, a := range attrs {
		if a.Prop == "label" {
			label, hasLabel = a.Value, true
			emit(hwmonSensorLabel, 1, chip, sensor, strings.ToValidUTF8(label, "\uFFFD"))
		}
	}
	switch typ {
	case "beep_enable":
		v := 0.0
		if bare == "1" {
			v = 1
		}
		emit(hwmonBeep, v, chip, sensor)
		return
	case "vrm", "update_interval":
		v, err := strconv.ParseFloat(bare, 64)
		if !hasBare || err != nil {
			return
		}
		if typ == "vrm" {
			emit(hwmonVRM, v, chip, sensor)
		} else {
			emit(hwmonUpdateInterval, v*0.001, chip, sensor)
		}
		return
	}
	for _, a := range attrs {
		if a.Prop == "label" {
			continue
		}
		v, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			continue
		}
		k := hwmonFamilyKey{typ: typ, prop: a.Prop, bare: hasBare}
		hf, ok := c.families[k]
		if !ok {
			hf = c.family(k)
			c.families[k] = hf
		}
		switch {
		case !hf.freqMHz:
			emit(hf.f, v*hf.mul/hf.div, chip, sensor)
		case hasLabel:
			emit(hf.f, v*hf.mul/hf.div, chip, procfs.CleanMetricName(label))
		}
	}
}

// family names an attribute as node_exporter does: node_hwmon_<class>,
// then _<property> (the input is the class's value and adds nothing
// unless the channel has a bare file too), then the unit of the class.
// Alarms and faults have no unit, beeps end in _enabled, and what
// node_exporter knows no unit for is exported as read.
func (c *hwmon) family(k hwmonFamilyKey) hwmonFamily {
	name := "node_hwmon_" + k.typ
	switch {
	case k.prop == "input" && k.bare:
		name += "_input"
	case k.prop != "" && k.prop != "input":
		name += "_" + procfs.CleanMetricName(k.prop)
	}
	elem := strings.ToValidUTF8(k.prop, "\uFFFD")
	kind, mul, div, freq := reading.Gauge, 1.0, 1.0, false
	var help string
	switch {
	case k.prop == "fault" || k.prop == "alarm":
		help = "Hardware sensor " + elem + " status (" + k.typ + ")"
	case k.prop == "beep":
		name, help = name+"_enabled", "Hardware monitor sensor has beeping enabled"
	case k.typ == "in" || k.typ == "cpu":
		name, help, mul = name+"_volts", "Hardware monitor for voltage ("+elem+")", 0.001
	case k.typ == "temp" && k.prop != "type":
		if elem == "" {
			elem = "input"
		}
		name, help, mul = name+"_celsius", "Hardware monitor for temperature ("+elem+")", 0.001
	case k.typ == "curr":
		name, help, mul = name+"_amps", "Hardware monitor for current ("+elem+")", 0.001
	case k.typ == "energy":
		name, help, div, kind = name+"_joule_total", "Hardware monitor for joules used so far ("+elem+")", 1e6, reading.Counter
	case k.typ == "power" && k.prop == "accuracy":
		help, div = "Hardware monitor power meter accuracy, as a ratio", 1e6
	case k.typ == "power" && (k.prop == "average_interval" || k.prop == "average_interval_min" || k.prop == "average_interval_max"):
		name, help, mul = name+"_seconds", "Hardware monitor power usage update interval ("+elem+")", 0.001
	case k.typ == "power":
		name, help, div = name+"_watt", "Hardware monitor for power usage in watts ("+elem+")", 1e6
	case k.typ == "humidity":
		help, div = "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) ("+elem+")", 1e6
	case k.typ == "fan" && (k.prop == "input" || k.prop == "min" || k.prop == "max" || k.prop == "target"):
		name, help = name+"_rpm", "Hardware monitor for fan revolutions per minute ("+elem+")"
	case k.typ == "freq" && k.prop == "input":
		name, help, div, freq = name+"_freq_mhz", "Hardware monitor for GPU frequency in MHz", 1e6, true
	default:
		help = "Hardware monitor " + k.typ + " element " + elem
	}
	f := c.byName[name]
	if f == nil {
		f = &reading.Family{Name: name, Help: help, Type: kind, Labels: hwmonLabels}
		c.byName[name] = f
	}
	return hwmonFamily{f: f, mul: mul, div: div, freqMHz: freq}
}
