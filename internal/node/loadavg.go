package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	load1  = &reading.Family{Name: "node_load1", Help: "1m load average.", Type: reading.Gauge}
	load5  = &reading.Family{Name: "node_load5", Help: "5m load average.", Type: reading.Gauge}
	load15 = &reading.Family{Name: "node_load15", Help: "15m load average.", Type: reading.Gauge}
)

// loadavg is node_exporter's loadavg collector: /proc/loadavg.
type loadavg struct {
	fs procfs.FS
	// buf is reused across scrapes: a Set never runs one collector twice
	// at once.
	buf []byte
}

func newLoadavg(env Env) (Collector, error) { return &loadavg{fs: env.FS}, nil }

func (c *loadavg) Update(emit reading.Emit) error {
	la, buf, err := c.fs.LoadAvg(c.buf)
	c.buf = buf
	if err != nil {
		return err
	}
	emit(load1, la.Load1)
	emit(load5, la.Load5)
	emit(load15, la.Load15)
	return nil
}
