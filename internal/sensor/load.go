package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Load reports the load averages of /proc/loadavg, the 1-minute load per
// core, and pressure stall information where the kernel has it (4.20 and
// later, built with CONFIG_PSI and not booted with psi=0).
type Load struct {
	fs    procfs.FS
	buf   []byte
	stat  procfs.Stat // only to count cores when sysfs cannot tell
	psBuf []byte
}

// NewLoad returns a Load sensor reading fs.
func NewLoad(fs procfs.FS) *Load { return &Load{fs: fs} }

// Name returns reading.SensorLoad.
func (l *Load) Name() string { return reading.SensorLoad }

// loadReading builds the reading from a loadavg sample, the online core
// count and the PSI files found (indexed like psiResources).
func loadReading(now time.Time, la procfs.LoadAvg, cores int, psi *[3]procfs.Pressure, havePSI *[3]bool) reading.Reading {
	ms := make([]reading.Metric, 0, 7+len(psiResources)*8)
	r := reading.Reading{Sensor: reading.SensorLoad, Time: now}
	if cores > 0 {
		// Not clamped: 250 % says two and a half tasks want each core.
		ms = append(ms, reading.Metric{Name: reading.LoadPercent, Value: la.Load1 / float64(cores) * 100, Unit: reading.Percent})
		r.Primary = reading.LoadPercent
	}
	ms = append(ms,
		reading.Metric{Name: reading.Load1, Value: la.Load1},
		reading.Metric{Name: reading.Load5, Value: la.Load5},
		reading.Metric{Name: reading.Load15, Value: la.Load15},
		reading.Metric{Name: reading.LoadRunnable, Value: float64(la.Runnable)},
		reading.Metric{Name: reading.LoadTasks, Value: float64(la.Tasks)},
	)
	for i, res := range psiResources {
		if havePSI[i] {
			ms = appendPressure(ms, reading.Pressure, reading.PressureStalledSecondsTotal, res, psi[i])
		}
	}
	r.Metrics = ms
	return r
}
