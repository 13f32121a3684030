package node

import (
	"errors"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func pressureFamily(name, help string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Counter}
}

// pressureResources is what node_exporter's pressure collector reads of
// each /proc/pressure file: the "some" line as _waiting_, the "full" line
// as _stalled_. It leaves out cpu's "full" line (kernel 5.13+) and irq's
// has only "full" (kernel 6.1+, CONFIG_IRQ_TIME_ACCOUNTING).
var pressureResources = [...]struct {
	name       string
	some, full *reading.Family
	needs      func(procfs.Pressure) bool
}{
	{name: "cpu",
		some:  pressureFamily("node_pressure_cpu_waiting_seconds_total", "Total time in seconds that processes have waited for CPU time"),
		needs: func(p procfs.Pressure) bool { return p.HasSome }},
	{name: "io",
		some:  pressureFamily("node_pressure_io_waiting_seconds_total", "Total time in seconds that processes have waited due to IO congestion"),
		full:  pressureFamily("node_pressure_io_stalled_seconds_total", "Total time in seconds no process could make progress due to IO congestion"),
		needs: func(p procfs.Pressure) bool { return p.HasSome && p.HasFull }},
	{name: "memory",
		some:  pressureFamily("node_pressure_memory_waiting_seconds_total", "Total time in seconds that processes have waited for memory"),
		full:  pressureFamily("node_pressure_memory_stalled_seconds_total", "Total time in seconds no process could make progress due to memory congestion"),
		needs: func(p procfs.Pressure) bool { return p.HasSome && p.HasFull }},
	{name: "irq",
		full:  pressureFamily("node_pressure_irq_stalled_seconds_total", "Total time in seconds no process could make progress due to IRQ congestion"),
		needs: func(p procfs.Pressure) bool { return p.HasFull }},
}

// pressure is node_exporter's pressure collector: pressure stall
// information totals, in seconds. A kernel without PSI (before 4.20, or
// built or booted without it) has no data; a resource whose file is
// missing is left out; a file without the lines its series need makes the
// whole collector report no data, as node_exporter does.
type pressure struct {
	fs  procfs.FS
	buf []byte
}

func newPressure(env Env) (Collector, error) { return &pressure{fs: env.FS}, nil }

func (c *pressure) Update(emit reading.Emit) error {
	found := 0
	for _, r := range pressureResources {
		p, b, err := c.fs.Pressure(r.name, c.buf)
		c.buf = b
		if errors.Is(err, procfs.ErrNoPressure) {
			continue
		} else if err != nil {
			return err
		}
		if !r.needs(p) {
			return ErrNoData
		}
		// µs to s in node_exporter's two steps, so values agree to the bit.
		if r.some != nil {
			emit(r.some, float64(p.Some.TotalMicros)/1000/1000)
		}
		if r.full != nil {
			emit(r.full, float64(p.Full.TotalMicros)/1000/1000)
		}
		found++
	}
	if found == 0 {
		return ErrNoData
	}
	return nil
}
