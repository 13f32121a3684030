package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// EventSource is one producer of events that waits on the kernel (an
// inotify or PSI trigger descriptor, a netlink socket): the cgroups
// sensor polls each of its sources once a pass. Poll appends what happened
// since the previous Poll to dst and must not block, so a source with
// nothing to say costs one system call; one whose kernel interface must
// be read continuously runs its own goroutine and drains it here. now
// stamps events whose source does not time them. Poll and Close are
// called by one goroutine at a time.
type EventSource interface {
	Poll(now time.Time, dst []reading.Event) ([]reading.Event, error)
	Close() error
}

// pressureThreshold is the trigger written to the PSI files: 150 ms of
// stall within a 2 s window (7.5 %), the window a multiple of 2 s so an
// unprivileged user may write it (Linux 6.4 and later).
const pressureTrigger = "some 150000 2000000"

// pressureThresholdPercent is the same threshold as a share of the avg10
// value, for kernels or users the trigger is refused to.
const pressureThresholdPercent = 7.5

// pressureQuiet is how long a resource must stay below the threshold
// before a new crossing is an event: a trigger fires every window while
// the stall lasts, and an hour of pressure is one event, not 1800.
const pressureQuiet = 10 * time.Second

// crossing turns a resource being over its threshold at each pass into
// the crossings that start a stretch over it.
type crossing struct {
	last time.Time
	seen bool
}

// step says whether being over (or not) at now starts a new stretch.
func (c *crossing) step(now time.Time, over bool) bool {
	if !over {
		return false
	}
	start := !c.seen || now.Sub(c.last) >= pressureQuiet
	c.last, c.seen = now, true
	return start
}
