package sensor

import (
	"context"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Read samples /proc/stat. The first call takes the baseline and returns
// ErrWarmup; later calls report utilisation since the previous call.
func (c *CPU) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	var err error
	c.buf, err = c.fs.Stat(&c.cur, c.buf)
	if err != nil {
		return reading.Reading{}, err
	}
	// Swapping keeps both Cores slices alive for reuse: no allocation per
	// read for the samples themselves.
	defer func() { c.prev, c.cur = c.cur, c.prev }()
	if !c.havePrev {
		c.havePrev = true
		return reading.Reading{}, ErrWarmup
	}
	return c.reading(now), nil
}

// atClkTck is AT_CLKTCK from <elf.h>: the auxiliary vector entry holding
// USER_HZ, the unit of /proc/stat.
const atClkTck = 17

// clockTicks returns USER_HZ as the kernel told this process at exec, or
// 100, its value on every mainstream architecture, when the auxiliary vector
// is unavailable.
func clockTicks() float64 {
	auxv, err := unix.Auxv()
	if err != nil {
		return 100
	}
	for _, kv := range auxv {
		if kv[0] == atClkTck && kv[1] > 0 {
			return float64(kv[1])
		}
	}
	return 100
}
