package node

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	schedRunning = &reading.Family{Name: "node_schedstat_running_seconds_total", Help: "Number of seconds CPU spent running a process.",
		Type: reading.Counter, Labels: []string{"cpu"}}
	schedWaiting = &reading.Family{Name: "node_schedstat_waiting_seconds_total", Help: "Number of seconds spent by processing waiting for this CPU.",
		Type: reading.Counter, Labels: []string{"cpu"}}
	schedTimeslices = &reading.Family{Name: "node_schedstat_timeslices_total", Help: "Number of timeslices executed by CPU.",
		Type: reading.Counter, Labels: []string{"cpu"}}
)

// schedstat is node_exporter's schedstat collector: /proc/schedstat's cpu
// lines. A kernel without CONFIG_SCHEDSTATS has no file: no data.
type schedstat struct {
	fs   procfs.FS
	cpus []procfs.CPUSchedstat
	buf  []byte
	lv   [1]string // reused label values, as cpu's
}

func newSchedstat(env Env) (Collector, error) { return &schedstat{fs: env.FS}, nil }

func (c *schedstat) Update(emit reading.Emit) error {
	var err error
	c.cpus, c.buf, err = c.fs.CPUSchedstat(c.cpus, c.buf)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoData
	} else if err != nil {
		return err
	}
	for _, s := range c.cpus {
		c.lv[0] = strconv.Itoa(s.ID)
		emit(schedRunning, float64(s.RunningNanos)/1e9, c.lv[:]...)
		emit(schedWaiting, float64(s.WaitingNanos)/1e9, c.lv[:]...)
		emit(schedTimeslices, float64(s.Timeslices), c.lv[:]...)
	}
	return nil
}
