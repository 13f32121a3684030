package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	statIntr         = &reading.Family{Name: "node_intr_total", Help: "Total number of interrupts serviced.", Type: reading.Counter}
	statCtxt         = &reading.Family{Name: "node_context_switches_total", Help: "Total number of context switches.", Type: reading.Counter}
	statForks        = &reading.Family{Name: "node_forks_total", Help: "Total number of forks.", Type: reading.Counter}
	statBootTime     = &reading.Family{Name: "node_boot_time_seconds", Help: "Node boot time, in unixtime.", Type: reading.Gauge}
	statProcsRunning = &reading.Family{Name: "node_procs_running", Help: "Number of processes in runnable state.", Type: reading.Gauge}
	statProcsBlocked = &reading.Family{Name: "node_procs_blocked", Help: "Number of processes blocked waiting for I/O to complete.", Type: reading.Gauge}
)

// stat is node_exporter's stat collector: the system-wide lines of
// /proc/stat. Per-vector softirq counts (node_softirqs_total) are off by
// default in node_exporter (--collector.stat.softirq) and not emitted.
type stat struct {
	fs  procfs.FS
	st  procfs.Stat
	buf []byte
}

func newStat(env Env) (Collector, error) { return &stat{fs: env.FS}, nil }

func (c *stat) Update(emit reading.Emit) error {
	var err error
	if c.buf, err = c.fs.Stat(&c.st, c.buf); err != nil {
		return err
	}
	emit(statIntr, float64(c.st.Interrupts))
	emit(statCtxt, float64(c.st.ContextSwitches))
	emit(statForks, float64(c.st.Forks))
	emit(statBootTime, float64(c.st.BootTime))
	emit(statProcsRunning, float64(c.st.ProcsRunning))
	emit(statProcsBlocked, float64(c.st.ProcsBlocked))
	return nil
}
