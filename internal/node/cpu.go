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
	// dirs lists the cpuN directories both read.
	dirs *cpuDirs
	// topology is each CPU directory's package and core, read once
	// rather than twice per CPU every scrape: on x86, the one
	// architecture with thermal_throttle, a CPU number keeps its APIC ID
	// and so its place for the boot. Only a place read is kept: an
	// offline CPU has no topology directory until it comes online.
	topology map[string]cpuPlace
	// lv is reused for the label values of every sample: a variadic
	// argument through a func value would be a heap slice per sample.
	lv [2]string
}

// cpuPlace is where a CPU thread sits; ok is false for a CPU without
// topology files, which node_exporter skips.
type cpuPlace struct {
	pkg, core uint64
	ok        bool
}

func newCPU(env Env) (Collector, error) {
	c := &cpu{fs: env.FS, hz: float64(procfs.ClockTicks()), held: map[int]procfs.CPUTimes{}, topology: map[string]cpuPlace{},
		dirs: newCPUDirs(env.FS)}
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
		c.lv[0] = strconv.Itoa(core.ID)
		for _, m := range [...]struct {
			mode  string
			ticks uint64
		}{
			{"user", t.User}, {"nice", t.Nice}, {"system", t.System}, {"idle", t.Idle},
			{"iowait", t.IOWait}, {"irq", t.IRQ}, {"softirq", t.SoftIRQ}, {"steal", t.Steal},
		} {
			c.lv[1] = m.mode
			emit(cpuSeconds, float64(m.ticks)/c.hz, c.lv[:]...)
		}
		// Guest time is also inside user and nice (the kernel counts it
		// twice), as node_exporter leaves it.
		c.lv[1] = "user"
		emit(cpuGuestSeconds, float64(t.Guest)/c.hz, c.lv[:]...)
		c.lv[1] = "nice"
		emit(cpuGuestSeconds, float64(t.GuestNice)/c.hz, c.lv[:]...)
	}
	for _, id := range c.isolated {
		emit(cpuIsolated, 1, strconv.Itoa(id))
	}
	if !c.throttle && !c.online {
		return nil
	}
	dirs, err := c.dirs.list()
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
			if err != nil && c.gone(d) {
				continue
			}
			on := 0.0
			if err == nil && len(b) > 0 && b[0] == '1' {
				on = 1
			}
			emit(cpuOnline, on, filepath.Base(d)[len("cpu"):])
		}
	}
	return nil
}

// gone reports whether the listed CPU directory d no longer exists (a CPU
// hot-removed while still present, see cpuDirs), which Glob would not
// have listed: the listing is then made again at the next scrape.
func (c *cpu) gone(d string) bool {
	if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
		c.dirs.drop()
		return true
	}
	return false
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
// first of its threads that has one) and one per package (from its first
// CPU that has one). A CPU without topology is skipped, as node_exporter
// does; so is one whose count cannot be read (an offline CPU whose
// topology is still known), and the next thread of its core answers.
func (c *cpu) throttles(emit reading.Emit, dirs []string) {
	cores := map[cpuPlace]bool{}
	pkgs := map[uint64]bool{}
	for _, d := range dirs {
		place := c.place(d)
		if !place.ok {
			continue
		}
		pkg, id := place.pkg, place.core
		p := strconv.FormatUint(pkg, 10)
		if !cores[place] {
			n, b, err := procfs.ReadUint(filepath.Join(d, "thermal_throttle", "core_throttle_count"), c.buf)
			if c.buf = b; err == nil {
				cores[place] = true
				emit(cpuCoreThrottles, float64(n), p, strconv.FormatUint(id, 10))
			}
		}
		if !pkgs[pkg] {
			n, b, err := procfs.ReadUint(filepath.Join(d, "thermal_throttle", "package_throttle_count"), c.buf)
			if c.buf = b; err == nil {
				pkgs[pkg] = true
				emit(cpuPackageThrottles, float64(n), p)
			}
		}
	}
}

// place returns the package and core of the CPU at dir, read until once
// read.
func (c *cpu) place(dir string) cpuPlace {
	if p, seen := c.topology[dir]; seen {
		return p
	}
	var p cpuPlace
	var err1, err2 error
	p.pkg, c.buf, err1 = procfs.ReadUint(filepath.Join(dir, "topology", "physical_package_id"), c.buf)
	p.core, c.buf, err2 = procfs.ReadUint(filepath.Join(dir, "topology", "core_id"), c.buf)
	p.ok = err1 == nil && err2 == nil
	if p.ok {
		c.topology[dir] = p
	}
	return p
}
