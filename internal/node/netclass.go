package node

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	netclassUp = &reading.Family{Name: "node_network_up", Help: "Value is 1 if operstate is 'up', 0 otherwise.",
		Type: reading.Gauge, Labels: []string{"device"}}
	netclassInfo = &reading.Family{Name: "node_network_info", Help: "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
		Type: reading.Gauge, Labels: []string{"device", "address", "broadcast", "duplex", "operstate", "adminstate", "ifalias"}}
)

// netclassFamilies carry node_exporter's names for procfs.NetClassInt's
// attributes, in its order; the _total ones are counters.
var netclassFamilies = func() [len(procfs.NetClassInt)]*reading.Family {
	names := [len(procfs.NetClassInt)]string{
		"address_assign_type", "carrier", "carrier_changes_total", "carrier_up_changes_total", "carrier_down_changes_total", "device_id", "dormant",
		"flags", "iface_id", "iface_link", "iface_link_mode", "mtu_bytes", "name_assign_type", "net_dev_group", "speed_bytes", "transmit_queue_length", "protocol_type",
	}
	var fs [len(names)]*reading.Family
	for i, n := range names {
		t := reading.Gauge
		if strings.HasSuffix(n, "_total") {
			t = reading.Counter
		}
		fs[i] = &reading.Family{Name: "node_network_" + n, Help: "Network device property: " + n, Type: t, Labels: []string{"device"}}
	}
	return fs
}()

// netclass is node_exporter's netclass collector: /sys/class/net/<iface>.
// An attribute the device refuses (EINVAL for the speed of a link that is
// down, EOPNOTSUPP) or lacks is left out, as node_exporter does; a speed
// of -1 (unknown) is reported as -125000, as node_exporter does unless
// told --collector.netclass.ignore-invalid-speed.
//
// On this machine's own /sys it reads most attributes from one rtnetlink
// link dump a scrape (links.go), the same values sysfs formats from the
// same fields (procfs.Link.NetClass), and from sysfs only what the dump
// lacks: addr_assign_type, speed and duplex at each scrape (setting an
// address, even the one it has, changes the first), and dev_id and
// name_assign_type once a device (by index and name).
type netclass struct {
	fs    procfs.FS
	iface procfs.NetClassIface
	buf   []byte
	// held keeps each device's 22 attribute files open between scrapes:
	// opening and closing them was most of the collector's cost. On the
	// dump's path, only addr_assign_type, speed and duplex (and flags, on
	// kernels without IFLA_ALLMULTI) are held.
	held *heldDevices
	rt   *linkReader // nil: the files
	devs map[int32]*netclassDev
}

// netclassDev is what the dump's path keeps of a device between scrapes.
type netclassDev struct {
	name string
	// iface keeps its strings across scrapes, so that unchanged values
	// cost no allocation, and the attributes read once.
	iface procfs.NetClassIface
	seen  bool
}

// The attributes the dump's path reads from sysfs: once a device, at each
// scrape, and at each scrape while the device is up (sysfs refuses them
// otherwise).
var (
	netclassOnce   = []int{procfs.NetClassDevID, procfs.NetClassNameAssignType}
	netclassAddrTy = []int{procfs.NetClassAddrAssignType}
	netclassDuplex = []int{procfs.NetClassDuplex}
	netclassSpeed  = []int{procfs.NetClassSpeed}
	netclassFlags  = []int{procfs.NetClassFlags}
)

func newNetclass(env Env) (Collector, error) {
	return &netclass{fs: env.FS, held: newHeldDevices(env.FS.NetClassHeld), rt: newLinkReader(env, "netclass", false),
		devs: map[int32]*netclassDev{}}, nil
}

func (c *netclass) Update(emit reading.Emit) error {
	if c.rt != nil {
		links, err := c.rt.dump()
		if err == nil {
			return c.updateLinks(emit, links)
		}
		c.rt, c.devs = nil, nil // logged; the files from now on
		c.held.closeAll()
	}
	devs, err := c.fs.NetClassDevices()
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return ErrNoData
	}
	if err != nil {
		return err
	}
	defer c.held.sweep()
	for _, dev := range devs {
		if h := c.held.get(dev); h != nil {
			c.buf, err = procfs.NetClassIfaceHeld(h, &c.iface, c.buf)
		} else {
			c.buf, err = c.fs.NetClassIface(dev, &c.iface, c.buf)
		}
		if err != nil {
			return err
		}
		if c.iface.Gone() {
			continue // removed between the listing and its reading
		}
		emitNetclass(emit, dev, &c.iface)
	}
	return nil
}

// updateLinks serves a scrape from a link dump and what sysfs adds to it.
func (c *netclass) updateLinks(emit reading.Emit, links []procfs.Link) error {
	defer c.held.sweep()
	var err error
	for i := range links {
		l := &links[i]
		d := c.devs[l.Index]
		if d == nil || d.name != string(l.Name) {
			d = &netclassDev{name: string(l.Name)}
			c.devs[l.Index] = d
			// Names swapped between two devices leave each name's
			// held files on the other device, which still answers.
			c.held.drop(d.name)
			if c.buf, err = c.fs.NetClassSome(d.name, nil, &d.iface, c.buf, nil, netclassOnce); err != nil {
				return err
			}
		}
		d.seen = true
		a := &d.iface
		flagsKnown := l.NetClass(a)
		h := c.held.get(d.name)
		if c.buf, err = c.fs.NetClassSome(d.name, h, a, c.buf, nil, netclassAddrTy); err != nil {
			return err
		}
		if l.Up() {
			if c.buf, err = c.fs.NetClassSome(d.name, h, a, c.buf, netclassDuplex, netclassSpeed); err != nil {
				return err
			}
		} else {
			a.Text[procfs.NetClassDuplex], a.Has[procfs.NetClassSpeed] = "", false
		}
		if !flagsKnown {
			if c.buf, err = c.fs.NetClassSome(d.name, h, a, c.buf, nil, netclassFlags); err != nil {
				return err
			}
		}
		emitNetclass(emit, d.name, a)
	}
	for i, d := range c.devs {
		if !d.seen {
			delete(c.devs, i)
		}
		d.seen = false
	}
	return nil
}

// emitNetclass emits one device's series.
func emitNetclass(emit reading.Emit, dev string, a *procfs.NetClassIface) {
	emit(netclassUp, b2f(a.Text[procfs.NetClassOperstate] == "up"), dev)
	admin := "unknown"
	if a.Has[procfs.NetClassFlags] {
		admin = "down"
		if a.Int[procfs.NetClassFlags]&1 != 0 { // IFF_UP
			admin = "up"
		}
	}
	emit(netclassInfo, 1, dev, a.Text[procfs.NetClassAddress], a.Text[procfs.NetClassBroadcast], a.Text[procfs.NetClassDuplex],
		a.Text[procfs.NetClassOperstate], admin, a.Text[procfs.NetClassIfalias])
	for i, f := range netclassFamilies {
		if !a.Has[i] {
			continue
		}
		v := a.Int[i]
		if i == procfs.NetClassSpeed {
			v = v * 1000 * 1000 / 8 // Mbit/s to bytes/s
		}
		emit(f, float64(v), dev)
	}
}
