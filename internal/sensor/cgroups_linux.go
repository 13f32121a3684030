package sensor

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Read walks the cgroup2 mount or, on a host whose cgroup2 mount has
// neither the cpu nor the memory controller (v1 alone, or a hybrid host's
// empty /sys/fs/cgroup/unified), the cgroup v1 cpu, cpuacct, memory and
// pids trees: no pressure, no I/O, and of the memory events only the
// times at the limit and the OOM kills there. A host with neither gives a
// reading of no groups. Files that cannot be parsed cost only their
// metrics and are said in the reading's Note. The first read only takes
// the CPU baseline (ErrWarmup).
func (c *Cgroups) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	if c.walker == nil {
		mount, v1 := cgroupMount(c.fs), cgroupV1Mounts(c.fs)
		kmsg := cmp.Or(c.kmsg, kmsgPath)
		switch {
		case cgroupV1Rules(mount, v1):
			c.walker = procfs.NewCgroupV1Walker(v1)
			c.openSources(v1.Memory, kmsg, true)
		case mount != "":
			c.walker = procfs.NewCgroupWalker(mount)
			c.openSources(mount, kmsg, false)
		default:
			return cgroupsReading(now, nil), nil
		}
	}
	var err error
	c.stats, err = c.walker.Walk(c.stats[:0], c.wantFull)
	first := len(c.known) == 0 && c.pass == 0
	r := c.update(now, c.stats)
	c.pass++
	errs := []error{err}
	for i := range c.stats {
		errs = append(errs, c.stats[i].SlowErr) // merged from the group's last full read
	}
	r.Events = c.pollSources(now, r.Events)
	if err := errors.Join(errs...); err != nil {
		r.Note = err.Error()
	}
	if first && len(c.stats) > 0 {
		return reading.Reading{}, ErrWarmup
	}
	return r, nil
}

// cgroupV1Mounts returns a v1 host's trees, "" for one not mounted. cpu
// and cpuacct share one nearly everywhere ("cpu,cpuacct", with "cpu" and
// "cpuacct" links to it), but some hosts mount them apart.
func cgroupV1Mounts(pfs procfs.FS) procfs.CgroupV1Mounts {
	find := func(names ...string) string {
		for _, n := range names {
			dir := pfs.Sys("fs", "cgroup", n)
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return dir
			}
		}
		return ""
	}
	return procfs.CgroupV1Mounts{
		CPU:     find("cpu,cpuacct", "cpuacct,cpu", "cpu"),
		CPUAcct: find("cpu,cpuacct", "cpuacct,cpu", "cpuacct"),
		Memory:  find("memory"),
		Pids:    find("pids"),
	}
}

// cgroupV1Rules says whether a host's CPU and memory groups are those of
// its v1 trees: they are mounted, and there is no cgroup2 mount or one
// without the cpu and memory controllers.
func cgroupV1Rules(mount string, v1 procfs.CgroupV1Mounts) bool {
	if v1.CPU == "" && v1.CPUAcct == "" && v1.Memory == "" {
		return false
	}
	return mount == "" || !cgroup2Controls(mount)
}

// cgroupV1Controller names the v1 hierarchy a process's cgroup is read
// from on a host whose groups the cgroups sensor walks in its v1 trees, so
// the processes of a group it shows are found: memory, the tree that tells
// containers apart, else cpuacct or cpu. "" on a cgroup v2 host.
func cgroupV1Controller(pfs procfs.FS) string {
	v1 := cgroupV1Mounts(pfs)
	switch {
	case !cgroupV1Rules(cgroupMount(pfs), v1):
		return ""
	case v1.Memory != "":
		return "memory"
	case v1.CPUAcct != "":
		return "cpuacct"
	}
	return "cpu"
}

// cgroup2Controls says whether the cgroup2 mount has the cpu or the memory
// controller: on a hybrid host it has neither (or only a few others, such
// as hugetlb), and the v1 trees hold the groups' CPU and memory.
func cgroup2Controls(mount string) bool {
	b, err := procfs.ReadFile(filepath.Join(mount, "cgroup.controllers"))
	if err != nil {
		return false
	}
	for f := range strings.FieldsSeq(string(b)) {
		if f == "cpu" || f == "memory" {
			return true
		}
	}
	return false
}
