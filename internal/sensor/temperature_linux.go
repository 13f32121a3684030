package sensor

import (
	"errors"
	"io/fs"

	"github.com/vigia-dev/vigia/internal/procfs"
)

func (t *Temperature) sample() (thermalSample, error) {
	chips, err := t.fs.Hwmon()
	if err != nil {
		return thermalSample{}, err
	}
	zones, err := t.fs.ThermalZones()
	if err != nil {
		return thermalSample{}, err
	}
	return thermalSample{chips: chips, zones: zones}, nil
}

// refresh reads the current values of the channels found by the last scan.
// A channel that fails to read is left out of this sample; one whose file is
// gone means a device left, and the next read scans again.
func (t *Temperature) refresh() thermalSample {
	out := thermalSample{chips: make([]procfs.HwmonChip, 0, len(t.layout.chips))}
	for _, c := range t.layout.chips {
		sensors := make([]procfs.HwmonSensor, 0, len(c.Sensors))
		for _, s := range c.Sensors {
			v, err := procfs.HwmonInput(s)
			if err != nil {
				t.rescan = t.rescan || errors.Is(err, fs.ErrNotExist)
				continue
			}
			s.Input = v
			sensors = append(sensors, s)
		}
		c.Sensors = sensors
		out.chips = append(out.chips, c)
	}
	out.zones = make([]procfs.ThermalZone, 0, len(t.layout.zones))
	for _, z := range t.layout.zones {
		v, err := procfs.ThermalZoneTemp(z)
		if err != nil {
			t.rescan = t.rescan || errors.Is(err, fs.ErrNotExist)
			continue
		}
		z.Temp = v
		out.zones = append(out.zones, z)
	}
	return out
}
