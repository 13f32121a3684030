package node

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func cpufreqFamily(name, help string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Gauge, Labels: []string{"cpu"}}
}

// cpufreqFiles maps each cpufreq attribute (in kHz) to its family, in
// node_exporter's order.
var cpufreqFiles = [...]struct {
	file string
	f    *reading.Family
}{
	{"cpuinfo_cur_freq", cpufreqFamily("node_cpu_frequency_hertz", "Current CPU thread frequency in hertz.")},
	{"cpuinfo_avg_freq", cpufreqFamily("node_cpu_frequency_avg_hertz", "Average CPU thread frequency in hertz.")},
	{"cpuinfo_min_freq", cpufreqFamily("node_cpu_frequency_min_hertz", "Minimum CPU thread frequency in hertz.")},
	{"cpuinfo_max_freq", cpufreqFamily("node_cpu_frequency_max_hertz", "Maximum CPU thread frequency in hertz.")},
	{"scaling_cur_freq", cpufreqFamily("node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz.")},
	{"scaling_min_freq", cpufreqFamily("node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz.")},
	{"scaling_max_freq", cpufreqFamily("node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz.")},
}

var cpuScalingGovernor = &reading.Family{Name: "node_cpu_scaling_governor", Help: "Current enabled CPU frequency governor.",
	Type: reading.Gauge, Labels: []string{"cpu", "governor"}}

// cpufreq is node_exporter's cpufreq collector: each online CPU's
// /sys/devices/system/cpu/cpuN/cpufreq. A file the CPU's driver lacks, or
// that only root may read (cpuinfo_cur_freq is 0400), is left out.
type cpufreq struct {
	fs       procfs.FS
	dirs     *cpuDirs
	buf, gov []byte
	offline  []int
	// offlineFile holds /sys/devices/system/cpu/offline open: a pread
	// where an open, a read and a close were.
	offlineFile *procfs.HeldAttrs
	lv          [1]string // reused label values, as cpu's
	// absent is, per cpufreq directory, the cpufreqFiles (one bit each)
	// its driver lacks or only root may read, so that they are not tried
	// again every scrape. A policy's files are made with its directory
	// and do not change while it stands; switching the driver (the
	// intel_pstate or amd_pstate status file, a module) makes the policy
	// directories anew, with new inode numbers (sysfs never reuses one at
	// once), so the bits are kept with the directory's identity and
	// forgotten when it differs.
	absent map[string]cpufreqAbsent
}

type cpufreqAbsent struct {
	dir  os.FileInfo
	bits uint16
}

func newCPUFreq(env Env) (Collector, error) {
	return &cpufreq{fs: env.FS, dirs: newCPUDirs(env.FS), absent: map[string]cpufreqAbsent{},
		offlineFile: procfs.NewHeldAttrs(env.FS.Sys("devices", "system", "cpu"), 1)}, nil
}

func (c *cpufreq) Update(emit reading.Emit) error {
	dirs, err := c.dirs.list()
	if err != nil {
		return err
	}
	c.offline = c.offline[:0]
	b, missing, err := c.offlineFile.Attr(0, "offline", c.buf)
	c.buf = b
	if err == nil && !missing {
		if c.offline, err = procfs.AppendCPUList(c.offline, b); err != nil {
			return err
		}
	}
	for _, d := range dirs {
		id := filepath.Base(d)[len("cpu"):]
		if c.isOffline(id) {
			continue
		}
		dir := filepath.Join(d, "cpufreq")
		fi, err := os.Stat(dir)
		if err != nil {
			continue
		}
		absent := c.absent[dir].bits
		if !os.SameFile(fi, c.absent[dir].dir) {
			absent = 0
		}
		for i, f := range cpufreqFiles {
			if absent&(1<<i) != 0 {
				continue
			}
			v, b, err := procfs.ReadUint(filepath.Join(dir, f.file), c.buf)
			c.buf = b
			switch {
			case err == nil:
				c.lv[0] = id
				emit(f.f, float64(v)*1000, c.lv[:]...)
			case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
				absent |= 1 << i
			default:
				return err
			}
		}
		c.absent[dir] = cpufreqAbsent{fi, absent}
		if err := c.governors(emit, dir, id); err != nil {
			return err
		}
	}
	// A machine without cpufreq (a VM) is a success with no series, as
	// node_exporter reports it.
	return nil
}

// governors emits node_cpu_scaling_governor: 1 for the CPU's governor, 0
// for each other one it could use.
func (c *cpufreq) governors(emit reading.Emit, dir, id string) error {
	var err error
	c.gov, err = procfs.ReadInto(filepath.Join(dir, "scaling_governor"), c.gov)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	gov := bytes.TrimSpace(c.gov)
	if len(gov) == 0 {
		return nil
	}
	c.buf, err = procfs.ReadInto(filepath.Join(dir, "scaling_available_governors"), c.buf)
	avail := bytes.Fields(c.buf)
	if err != nil || len(avail) == 0 {
		// No list: the current governor is all there is to say.
		emit(cpuScalingGovernor, 1, id, string(gov))
		return nil
	}
	for _, g := range avail {
		v := 0.0
		if bytes.Equal(g, gov) {
			v = 1
		}
		emit(cpuScalingGovernor, v, id, string(g))
	}
	return nil
}

func (c *cpufreq) isOffline(id string) bool {
	for _, o := range c.offline {
		if strconv.Itoa(o) == id {
			return true
		}
	}
	return false
}
