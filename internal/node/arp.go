package node

import (
	"fmt"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var arpEntries = &reading.Family{Name: "node_arp_entries", Help: "ARP entries by device", Type: reading.Gauge, Labels: []string{"device"}}

// arp is node_exporter's arp collector over /proc/net/arp. Current
// node_exporter asks netlink by default and skips NOARP neighbours; the
// kernel leaves those out of /proc/net/arp, so the counts are the same.
type arp struct {
	fs  procfs.FS
	buf []byte
	// counts keeps its keys across scrapes so that known devices cost no
	// allocation; a device with no entries is dropped after the scrape.
	counts map[string]*int
}

func newARP(env Env) (Collector, error) { return &arp{fs: env.FS, counts: map[string]*int{}}, nil }

func (c *arp) Update(emit reading.Emit) error {
	buf, err := c.fs.ReadNet("arp", c.buf)
	c.buf = buf
	if err != nil {
		return err
	}
	for _, n := range c.counts {
		*n = 0
	}
	if err := procfs.ParseARP(buf, func(dev []byte) {
		if n := c.counts[string(dev)]; n != nil {
			*n++
		} else {
			c.counts[string(dev)] = new(int)
			*c.counts[string(dev)] = 1
		}
	}); err != nil {
		return fmt.Errorf("%s: %w", c.fs.Proc("net", "arp"), err)
	}
	for dev, n := range c.counts {
		if *n == 0 {
			delete(c.counts, dev)
			continue
		}
		emit(arpEntries, float64(*n), dev)
	}
	return nil
}
