package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	thermalZoneTemp = &reading.Family{Name: "node_thermal_zone_temp", Help: "Zone temperature in Celsius",
		Type: reading.Gauge, Labels: []string{"zone", "type"}}
	coolingCurState = &reading.Family{Name: "node_cooling_device_cur_state", Help: "Current throttle state of the cooling device",
		Type: reading.Gauge, Labels: []string{"name", "type"}}
	coolingMaxState = &reading.Family{Name: "node_cooling_device_max_state", Help: "Maximum throttle state of the cooling device",
		Type: reading.Gauge, Labels: []string{"name", "type"}}
)

// thermalZone is node_exporter's thermal_zone collector: each zone's
// temperature and each cooling device's states, from /sys/class/thermal.
type thermalZone struct{ fs procfs.FS }

func newThermalZone(env Env) (Collector, error) { return &thermalZone{fs: env.FS}, nil }

func (c *thermalZone) Update(emit reading.Emit) error {
	// A zone whose temperature cannot be read (a radio that is down, a
	// disabled zone) is left out, where node_exporter 1.12 exports it as
	// 0 °C: a plausible temperature no alert could tell from a real one.
	zones, err := c.fs.ThermalZones()
	if err != nil {
		return err
	}
	for _, z := range zones {
		emit(thermalZoneTemp, z.Temp, z.Zone, z.Type)
	}
	devs, err := c.fs.CoolingDevices()
	for _, d := range devs {
		emit(coolingCurState, float64(d.CurState), d.Name, d.Type)
		emit(coolingMaxState, float64(d.MaxState), d.Name, d.Type)
	}
	return err
}
