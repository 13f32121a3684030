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

// Indexes into procfs.NetClassText and NetClassInt the collector needs by
// name.
const (
	ncAddress, ncBroadcast, ncDuplex, ncIfalias, ncOperstate = 0, 1, 2, 3, 4
	ncFlags, ncSpeed                                         = 7, 14
)

// netclass is node_exporter's netclass collector: /sys/class/net/<iface>.
// An attribute the device refuses (EINVAL for the speed of a link that is
// down, EOPNOTSUPP) or lacks is left out, as node_exporter does; a speed
// of -1 (unknown) is reported as -125000, as node_exporter does unless
// told --collector.netclass.ignore-invalid-speed.
type netclass struct {
	fs    procfs.FS
	iface procfs.NetClassIface
	buf   []byte
	// held keeps each device's 22 attribute files open between scrapes:
	// opening and closing them was most of the collector's cost.
	held *heldDevices
}

func newNetclass(env Env) (Collector, error) {
	return &netclass{fs: env.FS, held: newHeldDevices(env.FS.NetClassHeld)}, nil
}

func (c *netclass) Update(emit reading.Emit) error {
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
		a := &c.iface
		if a.Gone() {
			continue // removed between the listing and its reading
		}
		emit(netclassUp, b2f(a.Text[ncOperstate] == "up"), dev)
		admin := "unknown"
		if a.Has[ncFlags] {
			admin = "down"
			if a.Int[ncFlags]&1 != 0 { // IFF_UP
				admin = "up"
			}
		}
		emit(netclassInfo, 1, dev, a.Text[ncAddress], a.Text[ncBroadcast], a.Text[ncDuplex], a.Text[ncOperstate], admin, a.Text[ncIfalias])
		for i, f := range netclassFamilies {
			if !a.Has[i] {
				continue
			}
			v := a.Int[i]
			if i == ncSpeed {
				v = v * 1000 * 1000 / 8 // Mbit/s to bytes/s
			}
			emit(f, float64(v), dev)
		}
	}
	return nil
}
