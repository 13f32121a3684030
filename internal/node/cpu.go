package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	cpuSeconds = &reading.Family{Name: "node_cpu_seconds_total", Help: "Seconds the CPUs spent in each mode.",
		Type: reading.Counter, Labels: []string{"cpu", "mode"}}
	cpuGuestSeconds = &reading.Family{Name: "node_cpu_guest_seconds_total", Help: "Seconds the CPUs spent in guests (VMs) for each mode.",
		Type: reading.Counter, Labels: []string{"cpu", "mode"}}
	cpuCoreThrottles = &reading.Family{Name: "node_cpu_core_throttles_total", Help: "Number of times this CPU core has been throttled.",
		Type: reading.Counter, Labels: []string{"package", "core"}}
	cpuPackageThrottles = &reading.Family{Name: "node_cpu_package_throttles_total", Help: "Number of times this CPU package has been throttled.",
		Type: reading.Counter, Labels: []string{"package"}}
	cpuIsolated = &reading.Family{Name: "node_cpu_isolated", Help: "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.",
		Type: reading.Gauge, Labels: []string{"cpu"}}
	cpuOnline = &reading.Family{Name: "node_cpu_online", Help: "CPUs that are online and being scheduled.",
		Type: reading.Gauge, Labels: []string{"cpu"}}
)

// cpuJumpBack is how far, in seconds, a CPU's idle time may go backwards
// before node_exporter takes it for a CPU unplugged and plugged again and
// starts its counters afresh; smaller steps back (NO_HZ accounting) are
// held at the highest value seen, so rate() never sees a counter reset.
const cpuJumpBack = 3

// cpu is node_exporter's cpu collector: /proc/stat's cpu lines, and from
// sysfs the thermal throttle counts, isolated CPUs and online state.
// node_cpu_info and its flag and bug series are off by default in
// node_exporter (--collector.cpu.info) and are not emitted.
type cpu struct {
	fs  procfs.FS
	hz  float64
	st  procfs.Stat
	buf []byte
	// held is each CPU's counters as last emitted: node_exporter never
	// lets one go down (see cpuJumpBack).
	held map[int]procfs.CPUTimes
	// isolated is read once, as node_exporter does: isolcpus is a boot
	// parameter.
	isolated []int
	// throttle and online say whether this machine has the sysfs files at
	// all, so that a VM does not pay a directory walk every scrape for
	// nothing.
	throttle, online bool
}

func newCPU(env Env) (Collector, error) {
	c := &cpu{fs: env.FS, hz: float64(procfs.ClockTicks()), held: map[int]procfs.CPUTimes{}}
	b, err := procfs.ReadInto(env.FS.Sys("devices", "system", "cpu", "isolated"), nil)
	switch {
	case err == nil:
		if c.isolated, err = procfs.AppendCPUList(nil, b); err != nil {
			return nil, fmt.Errorf("%s: %w", env.FS.Sys("devices", "system", "cpu", "isolated"), err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	cpus, _ := filepath.Glob(env.FS.Sys("devices", "system", "cpu", "cpu[0-9]*", "thermal_throttle"))
	c.throttle = len(cpus) > 0
	// node_exporter reports online state only when cpu0 has an online file:
	// on most x86 machines cpu0 cannot be unplugged and has none.
	_, err = os.Stat(env.FS.Sys("devices", "system", "cpu", "cpu0", "online"))
	c.online = err == nil
	return c, nil
}

func (c *cpu) Update(emit reading.Emit) error {
	var err error
	if c.buf, err = c.fs.Stat(&c.st, c.buf); err != nil {
		return err
	}
	c.hold()
	for _, core := range c.st.Cores {
		t := c.held[core.ID]
		id := strconv.Itoa(core.ID)
		for _, m := range [...]struct {
			mode  string
			ticks uint64
		}{
			{"user", t.User}, {"nice", t.Nice}, {"system", t.System}, {"idle", t.Idle},
			{"iowait", t.IOWait}, {"irq", t.IRQ}, {"softirq", t.SoftIRQ}, {"steal", t.Steal},
		} {
			emit(cpuSeconds, float64(m.ticks)/c.hz, id, m.mode)
		}
		// Guest time is also inside user and nice (the kernel counts it
		// twice), as node_exporter leaves it.
		emit(cpuGuestSeconds, float64(t.Guest)/c.hz, id, "user")
		emit(cpuGuestSeconds, float64(t.GuestNice)/c.hz, id, "nice")
	}
	for _, id := range c.isolated {
		emit(cpuIsolated, 1, strconv.Itoa(id))
	}
	if !c.throttle && !c.online {
		return nil
	}
	dirs, err := filepath.Glob(c.fs.Sys("devices", "system", "cpu", "cpu[0-9]*"))
	if err != nil {
		return err
	}
	if c.throttle {
		c.throttles(emit, dirs)
	}
	if c.online {
		for _, d := range dirs {
			b, err := procfs.ReadInto(filepath.Join(d, "online"), c.buf)
			c.buf = b
			on := 0.0
			if err == nil && len(b) > 0 && b[0] == '1' {
				on = 1
			}
			emit(cpuOnline, on, filepath.Base(d)[len("cpu"):])
		}
	}
	return nil
}

// hold folds the CPU lines just read into c.held, node_exporter's way: a
// counter that went down keeps its old value, unless idle went back by
// cpuJumpBack seconds or more, which restarts the CPU's counters; CPUs no
// longer listed (offline) are forgotten.
func (c *cpu) hold() {
	jump := uint64(cpuJumpBack * c.hz)
	for _, core := range c.st.Cores {
		old := c.held[core.ID]
		if old.Idle >= core.Idle+jump {
			old = procfs.CPUTimes{}
		}
		n := core.CPUTimes
		for _, f := range [...]struct{ old, new *uint64 }{
			{&old.User, &n.User}, {&old.Nice, &n.Nice}, {&old.System, &n.System}, {&old.Idle, &n.Idle},
			{&old.IOWait, &n.IOWait}, {&old.IRQ, &n.IRQ}, {&old.SoftIRQ, &n.SoftIRQ}, {&old.Steal, &n.Steal},
			{&old.Guest, &n.Guest}, {&old.GuestNice, &n.GuestNice},
		} {
			*f.old = max(*f.old, *f.new)
		}
		c.held[core.ID] = old
	}
	if len(c.held) != len(c.st.Cores) {
		for id := range c.held {
			if !c.listed(id) {
				delete(c.held, id)
			}
		}
	}
}

func (c *cpu) listed(id int) bool {
	for _, core := range c.st.Cores {
		if core.ID == id {
			return true
		}
	}
	return false
}

// throttles emits thermal_throttle's counts: one per core (read from the
// first of its threads) and one per package (from its first CPU). A CPU
// without topology is skipped, as node_exporter does.
func (c *cpu) throttles(emit reading.Emit, dirs []string) {
	type core struct{ pkg, core uint64 }
	cores := map[core]bool{}
	pkgs := map[uint64]bool{}
	for _, d := range dirs {
		pkg, b, err := procfs.ReadUint(filepath.Join(d, "topology", "physical_package_id"), c.buf)
		c.buf = b
		if err != nil {
			continue
		}
		id, b, err := procfs.ReadUint(filepath.Join(d, "topology", "core_id"), c.buf)
		c.buf = b
		if err != nil {
			continue
		}
		p := strconv.FormatUint(pkg, 10)
		if k := (core{pkg, id}); !cores[k] {
			cores[k] = true
			n, b, err := procfs.ReadUint(filepath.Join(d, "thermal_throttle", "core_throttle_count"), c.buf)
			if c.buf = b; err == nil {
				emit(cpuCoreThrottles, float64(n), p, strconv.FormatUint(id, 10))
			}
		}
		if !pkgs[pkg] {
			pkgs[pkg] = true
			n, b, err := procfs.ReadUint(filepath.Join(d, "thermal_throttle", "package_throttle_count"), c.buf)
			if c.buf = b; err == nil {
				emit(cpuPackageThrottles, float64(n), p)
			}
		}
	}
}
