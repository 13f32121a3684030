package node

import (
	"slices"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// netdevFamily is one node_network_<key>_total family, named and helped as
// node_exporter's netdev collector names them.
func netdevFamily(key string) *reading.Family {
	return &reading.Family{Name: "node_network_" + key + "_total", Help: "Network device statistic " + key + ".",
		Type: reading.Counter, Labels: []string{"device"}}
}

// netdevFamilies follow procfs.NetDev's sixteen counters in order.
var netdevFamilies = func() [16]*reading.Family {
	keys := [16]string{
		"receive_bytes", "receive_packets", "receive_errs", "receive_drop", "receive_fifo", "receive_frame", "receive_compressed", "receive_multicast",
		"transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop", "transmit_fifo", "transmit_colls", "transmit_carrier", "transmit_compressed",
	}
	var fs [16]*reading.Family
	for i, k := range keys {
		fs[i] = netdevFamily(k)
	}
	return fs
}()

// netdevNoHandler is the counter node_exporter's netlink reading adds to
// /proc/net/dev's sixteen; it comes from sysfs here.
var netdevNoHandler = netdevFamily("receive_nohandler")

// netdev is node_exporter's netdev collector: /proc/net/dev, every device
// (node_exporter excludes none by default), plus rx_nohandler from
// /sys/class/net/<dev>/statistics. /proc/net/dev folds the detailed error
// counters the way node_exporter's netlink reading does (drop includes
// missed, frame includes length, over and crc, carrier includes aborted,
// window and heartbeat), so the values are the same.
//
// On this machine's own /proc and /sys it reads the same counters from
// one rtnetlink link dump a scrape instead (links.go): IFLA_STATS64 is the
// rtnl_link_stats64 both files print, folded as /proc/net/dev folds it
// (procfs.Link.NetDev).
type netdev struct {
	fs         procfs.FS
	devs       []procfs.NetDev
	buf, attrs []byte
	// held keeps each device's rx_nohandler open between scrapes.
	held *heldDevices
	rt   *linkReader // nil: the files
}

func newNetdev(env Env) (Collector, error) {
	return &netdev{fs: env.FS, held: newHeldDevices(env.FS.NetClassHeld), rt: newLinkReader(env, "netdev", true)}, nil
}

func (c *netdev) Update(emit reading.Emit) error {
	if c.rt != nil {
		links, err := c.rt.dump()
		if err == nil {
			c.updateLinks(emit, links)
			return nil
		}
		c.rt = nil // logged; the files from now on
	}
	devs, buf, err := c.fs.NetDevs(c.devs, c.buf)
	c.devs, c.buf = devs, buf
	if err != nil {
		return err
	}
	defer c.held.sweep()
	for i := range devs {
		d := &devs[i]
		emitNetdev(emit, d)
		var n uint64
		var ok bool
		var attrs []byte
		if h := c.held.get(d.Name); h != nil {
			n, ok, attrs, err = procfs.RxNoHandlerHeld(h, c.attrs)
		} else {
			n, ok, attrs, err = c.fs.RxNoHandler(d.Name, c.attrs)
		}
		c.attrs = attrs
		if err != nil {
			return err
		}
		if ok {
			emit(netdevNoHandler, float64(n), d.Name)
		}
	}
	return nil
}

// updateLinks serves a scrape from a link dump, which linkReader checked
// has every link's counters.
func (c *netdev) updateLinks(emit reading.Emit, links []procfs.Link) {
	// Names are kept by position, as procfs.ParseNetDev keeps them, so an
	// unchanged list costs no allocation.
	c.devs = slices.Grow(c.devs[:0], len(links))[:len(links)]
	for i := range links {
		l, d := &links[i], &c.devs[i]
		if d.Name != string(l.Name) {
			d.Name = string(l.Name)
		}
		n, ok, _ := l.NetDev(d)
		emitNetdev(emit, d)
		if ok {
			emit(netdevNoHandler, float64(n), d.Name)
		}
	}
}

// emitNetdev emits one device's series from /proc/net/dev's columns.
func emitNetdev(emit reading.Emit, d *procfs.NetDev) {
	v := [16]uint64{d.RxBytes, d.RxPackets, d.RxErrs, d.RxDrop, d.RxFIFO, d.RxFrame, d.RxCompressed, d.RxMulticast,
		d.TxBytes, d.TxPackets, d.TxErrs, d.TxDrop, d.TxFIFO, d.TxColls, d.TxCarrier, d.TxCompressed}
	for k, f := range netdevFamilies {
		emit(f, float64(v[k]), d.Name)
	}
}
