package sensor

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Read walks the cgroup2 mount. A host without one (cgroup v1 only) gives a
// reading of no groups; files that cannot be parsed cost only their metrics
// and are said in the reading's Note. The first read only takes the CPU
// baseline (ErrWarmup).
func (c *Cgroups) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	if c.walker == nil {
		mount := cgroupMount(c.fs)
		if mount == "" {
			return cgroupsReading(now, nil), nil
		}
		c.walker = procfs.NewCgroupWalker(mount)
		c.openSources(mount, cmp.Or(c.kmsg, kmsgPath))
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
