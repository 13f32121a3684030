package sensor

import (
	"cmp"
	"context"
	"errors"
	"os"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Read walks the cgroup2 mount, or on a host without one the cgroup v1
// cpuacct, memory and pids trees (no pressure, no I/O, no memory events
// but OOM kills there); a host with neither gives a reading of no groups; files that cannot be parsed cost only their metrics
// and are said in the reading's Note. The first read only takes the CPU
// baseline (ErrWarmup).
func (c *Cgroups) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	if c.walker == nil {
		if mount := cgroupMount(c.fs); mount != "" {
			c.walker = procfs.NewCgroupWalker(mount)
			c.openSources(mount, cmp.Or(c.kmsg, kmsgPath))
		} else if cpu, mem, pids := cgroupV1Mounts(c.fs); cpu != "" || mem != "" {
			c.walker = procfs.NewCgroupV1Walker(cpu, mem, pids)
		} else {
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

// cgroupV1Mounts returns a v1 host's cpuacct, memory and pids trees, ""
// for one not mounted. cpuacct shares its tree with cpu nearly everywhere
// ("cpu,cpuacct", with "cpu" and "cpuacct" links to it).
func cgroupV1Mounts(pfs procfs.FS) (cpu, memory, pids string) {
	find := func(names ...string) string {
		for _, n := range names {
			dir := pfs.Sys("fs", "cgroup", n)
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return dir
			}
		}
		return ""
	}
	return find("cpu,cpuacct", "cpuacct,cpu", "cpuacct"), find("memory"), find("pids")
}
