package sensor

import (
	"fmt"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Env is what every sensor is built over: the watched machine's roots.
type Env struct {
	FS procfs.FS
	// Rootfs is where the watched machine's / is mounted, for filesystem
	// usage.
	Rootfs string
	// MaxCgroups caps the cgroups sensor's groups (NewCgroupsMax): 0 is
	// DefaultMaxCgroups, less keeps every group.
	MaxCgroups int
}

// Registration is one sensor a user can pick: its name (a reading.Sensor*
// constant), its cadence of the original design, and how to build it.
type Registration struct {
	Name     string
	Interval time.Duration
	New      func(Env) (Sensor, error)
}

// statfsTimeout bounds one filesystem's statfs: a dead NFS mount must not
// hold up the disk sensor.
const statfsTimeout = 500 * time.Millisecond

// defaultInterval is every sensor's cadence unless the user sets one,
// including a sensor the registry does not list.
const defaultInterval = 2 * time.Second

// Registry lists every sensor a user can pick, in display order. A new
// sensor is one entry here; --sensors, the default intervals and the
// engine's sensors all come from this table. (self is the engine's own
// reading, not a sensor of this package.)
//
// Every sensor samples every 2 s by default, so that they all wake at the
// same moment: each burst of work wakes Go's system monitor, which then
// polls every 20 µs until the burst ends, and the recorder writes a burst
// in one transaction. With cpu at 1.5 s and temperature at 1.8 s, `vigia
// serve` made three bursts where it now makes one, and cost 0.77 % of a
// core against 0.70–0.73 (bench/serve-sidebyside.sh, 1,066 processes).
var Registry = []Registration{
	{reading.SensorCPU, defaultInterval, func(e Env) (Sensor, error) { return NewCPU(e.FS), nil }},
	{reading.SensorMemory, defaultInterval, func(e Env) (Sensor, error) { return NewMemory(e.FS), nil }},
	{reading.SensorLoad, defaultInterval, func(e Env) (Sensor, error) { return NewLoad(e.FS), nil }},
	{reading.SensorTemperature, defaultInterval, func(e Env) (Sensor, error) { return NewTemperature(e.FS), nil }},
	{reading.SensorDisk, defaultInterval, func(e Env) (Sensor, error) { return NewDisk(e.FS, e.Rootfs, statfsTimeout), nil }},
	{reading.SensorNetwork, defaultInterval, func(e Env) (Sensor, error) { return NewNetwork(e.FS), nil }},
	{reading.SensorProcesses, defaultInterval, func(e Env) (Sensor, error) { return NewProcesses(e.FS) }},
	{reading.SensorCgroups, defaultInterval, func(e Env) (Sensor, error) { return newCgroupsEnv(e), nil }},
}

// Names returns the registered sensors' names in display order.
func Names() []string {
	out := make([]string, len(Registry))
	for i, r := range Registry {
		out[i] = r.Name
	}
	return out
}

// DefaultInterval returns the registered cadence of the named sensor, 2 s
// for a sensor the registry does not list.
func DefaultInterval(name string) time.Duration {
	for _, r := range Registry {
		if r.Name == name {
			return r.Interval
		}
	}
	return defaultInterval
}

// New builds the named registered sensor over env. Each sensor reads its
// files through descriptors of its own, held open from one pass to the
// next (procfs.FS.WithHeldFiles): a pass is then one pread a file, where
// an open, a read and a close cost three system calls and a path walk.
func New(name string, env Env) (Sensor, error) {
	env.FS = env.FS.WithHeldFiles()
	for _, r := range Registry {
		if r.Name == name {
			return r.New(env)
		}
	}
	return nil, fmt.Errorf("no sensor %q", name)
}

// newCgroupsEnv builds the cgroups sensor with env's cap.
func newCgroupsEnv(e Env) *Cgroups {
	switch {
	case e.MaxCgroups == 0:
		return NewCgroups(e.FS)
	case e.MaxCgroups < 0:
		return NewCgroupsMax(e.FS, 0)
	}
	return NewCgroupsMax(e.FS, e.MaxCgroups)
}
