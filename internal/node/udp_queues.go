package node

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var udpQueues = &reading.Family{
	Name:   "node_udp_queues",
	Help:   "Number of allocated memory in the kernel for UDP datagrams in bytes.",
	Type:   reading.Gauge,
	Labels: []string{"queue", "ip"},
}

// udpQueuesCollector is node_exporter's udp_queues collector: the bytes
// queued on every UDP socket of the machine's network namespace, summed
// from /proc/net/udp and /proc/net/udp6 (as current node_exporter reads
// them; it asks no netlink here). A file that is absent (its IP version
// off) is skipped; both absent is no data.
type udpQueuesCollector struct {
	fs  procfs.FS
	buf []byte
}

func newUDPQueues(env Env) (Collector, error) { return &udpQueuesCollector{fs: env.FS}, nil }

func (c *udpQueuesCollector) Update(emit reading.Emit) error {
	absent := 0
	for _, f := range [...]struct{ file, ip string }{{"udp", "v4"}, {"udp6", "v6"}} {
		buf, err := c.fs.ReadNet(f.file, c.buf)
		c.buf = buf
		if errors.Is(err, fs.ErrNotExist) {
			absent++
			continue
		}
		if err != nil {
			return err
		}
		tx, rx, err := procfs.ParseUDPQueues(buf)
		if err != nil {
			return fmt.Errorf("%s: %w", c.fs.Proc("net", f.file), err)
		}
		emit(udpQueues, float64(tx), "tx", f.ip)
		emit(udpQueues, float64(rx), "rx", f.ip)
	}
	if absent == 2 {
		return ErrNoData
	}
	return nil
}
