// Package sensor samples the machine: one small file pair per sensor
// (cpu.go turns samples into a Reading, cpu_linux.go fetches them). A sensor
// knows nothing of rules, queues or outputs.
package sensor

import (
	"context"
	"errors"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Sensor samples one part of the machine.
//
// Read is called by one goroutine at a time (the sensor's supervisor), so a
// sensor may keep the previous sample to turn counters into rates without
// locking. ctx carries the read's deadline; a read that can block on the
// kernel (statfs on a dead NFS mount) must give up when ctx is done. now is
// the time to stamp the reading with and to compute rates against.
type Sensor interface {
	Name() string
	Read(ctx context.Context, now time.Time) (reading.Reading, error)
}

// Patient is a sensor whose read may rightly outlast its interval: one
// that does more work the bigger and busier the machine, without ever
// waiting on anything that can hang. The engine gives its reads
// ReadDeadline(interval) instead of one interval, so a slow pass is
// delivered late rather than abandoned and thrown away at every interval
// (a read past its deadline is shown stale, and no new one starts until it
// returns, so a short deadline costs the readings and saves nothing).
type Patient interface {
	ReadDeadline(interval time.Duration) time.Duration
}

// ErrWarmup is returned by a sensor that turns counters into rates on its
// first Read: it has taken its baseline and has nothing to report yet. The
// caller reads again after a short pause (WarmupDelay), not a whole interval.
var ErrWarmup = errors.New("sensor warming up: baseline taken")

// WarmupDelay is how long to wait after ErrWarmup before the second read: long
// enough for counters to move, short enough that the first line shows at once.
const WarmupDelay = 250 * time.Millisecond

// ErrUnsupported is returned on platforms without a backend for the sensor.
var ErrUnsupported = errors.New("sensor not supported on this platform")
