package procfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// NetClassDevices lists /sys/class/net: every entry but regular files
// (bonding_masters), in directory order.
func (fs FS) NetClassDevices() ([]string, error) {
	dir := fs.Sys("class", "net")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// NetClassText are the text attributes of /sys/class/net/<iface> that
// node_network_info carries, in NetClassIface.Text's order.
var NetClassText = [...]string{"address", "broadcast", "duplex", "ifalias", "operstate"}

// NetClassInt are the numeric attributes node_exporter's netclass
// collector reports, in NetClassIface.Int's order.
var NetClassInt = [...]string{
	"addr_assign_type", "carrier", "carrier_changes", "carrier_up_count", "carrier_down_count", "dev_id", "dormant",
	"flags", "ifindex", "iflink", "link_mode", "mtu", "name_assign_type", "netdev_group", "speed", "tx_queue_len", "type",
}

// NetClassIface is one interface's attributes. A text attribute the
// device does not have is ""; a numeric one it does not have (or that
// does not parse) has Has false.
type NetClassIface struct {
	Text [len(NetClassText)]string
	Int  [len(NetClassInt)]int64
	Has  [len(NetClassInt)]bool
}

// NetClassIface reads /sys/class/net/<name>'s attributes into c, reusing
// buf. Attributes that read as missing (see SysfsAttr) are skipped; any
// other read error is returned, naming the file.
func (fs FS) NetClassIface(name string, c *NetClassIface, buf []byte) ([]byte, error) {
	dir := fs.Sys("class", "net", name)
	// The directory is opened once and its 22 attributes read relative to
	// it: a path walk per attribute was most of the collector's cost.
	d := openDir(dir)
	defer d.close()
	return readNetClass(func(_ int, attr string, buf []byte) ([]byte, bool, error) { return d.attr(attr, buf) }, c, buf)
}

// NetClassHeldAttrs is how many attributes NetClassHeld holds open: the
// text and numeric ones, and statistics/rx_nohandler.
const NetClassHeldAttrs = len(NetClassText) + len(NetClassInt) + 1

// NetClassHeld returns what reads /sys/class/net/<name>'s attributes
// through descriptors kept open (NetClassIfaceHeld, RxNoHandlerHeld).
func (fs FS) NetClassHeld(name string) *HeldAttrs {
	return NewHeldAttrs(fs.Sys("class", "net", name), NetClassHeldAttrs)
}

// NetClassIfaceHeld is NetClassIface through h, from NetClassHeld.
func NetClassIfaceHeld(h *HeldAttrs, c *NetClassIface, buf []byte) ([]byte, error) {
	return readNetClass(h.Attr, c, buf)
}

func readNetClass(attrOf func(i int, name string, buf []byte) ([]byte, bool, error), c *NetClassIface, buf []byte) ([]byte, error) {
	// Text keeps its strings, so an unchanged value costs no allocation.
	c.Int, c.Has = [len(NetClassInt)]int64{}, [len(NetClassInt)]bool{}
	var err error
	for i, attr := range NetClassText {
		if buf, _, err = attrOf(i, attr, buf); err != nil {
			return buf, err
		}
		v := bytes.TrimSpace(buf)
		if string(v) != c.Text[i] {
			c.Text[i] = string(v)
		}
	}
	for i, attr := range NetClassInt {
		if buf, _, err = attrOf(len(NetClassText)+i, attr, buf); err != nil {
			return buf, err
		}
		c.Int[i], c.Has[i] = ParseSysfsInt(buf)
	}
	return buf, nil
}

// RxNoHandlerHeld is RxNoHandler through h, from NetClassHeld.
func RxNoHandlerHeld(h *HeldAttrs, buf []byte) (v uint64, ok bool, b []byte, err error) {
	b, missing, err := h.Attr(NetClassHeldAttrs-1, "statistics/rx_nohandler", buf)
	if err != nil || missing {
		return 0, false, b, err
	}
	v, err = ParseUintFile(b)
	if err != nil {
		return 0, false, b, fmt.Errorf("%s: %w", filepath.Join(h.dir, "statistics/rx_nohandler"), err)
	}
	return v, true, b, nil
}

// RxNoHandler reads /sys/class/net/<name>/statistics/rx_nohandler, the
// one counter node_exporter's netlink reading has that /proc/net/dev lacks.
// ok is false when the kernel has no such file (before 4.6).
func (fs FS) RxNoHandler(name string, buf []byte) (v uint64, ok bool, b []byte, err error) {
	path := fs.Sys("class", "net", name, "statistics", "rx_nohandler")
	b, missing, err := SysfsAttr(path, buf)
	if err != nil || missing {
		return 0, false, b, err
	}
	v, err = ParseUintFile(b)
	if err != nil {
		return 0, false, b, fmt.Errorf("%s: %w", path, err)
	}
	return v, true, b, nil
}

// Gone reports that no attribute could be read: the interface was removed
// after its directory was listed.
func (c *NetClassIface) Gone() bool {
	for _, h := range c.Has {
		if h {
			return false
		}
	}
	for _, t := range c.Text {
		if t != "" {
			return false
		}
	}
	return true
}

// NetClassSome reads into c only the attributes of /sys/class/net/<name>
// given by their indexes into NetClassText and NetClassInt, through h
// (from NetClassHeld) when it is not nil; the others are left as they
// are. Errors are NetClassIface's.
func (fs FS) NetClassSome(name string, h *HeldAttrs, c *NetClassIface, buf []byte, text, ints []int) ([]byte, error) {
	var dir string
	if h == nil {
		dir = fs.Sys("class", "net", name)
	}
	attr := func(i int, attr string, buf []byte) ([]byte, error) {
		var err error
		if h != nil {
			buf, _, err = h.Attr(i, attr, buf)
		} else {
			buf, _, err = SysfsAttr(filepath.Join(dir, attr), buf)
		}
		return buf, err
	}
	var err error
	for _, i := range text {
		if buf, err = attr(i, NetClassText[i], buf); err != nil {
			return buf, err
		}
		setText(&c.Text[i], bytes.TrimSpace(buf))
	}
	for _, i := range ints {
		if buf, err = attr(len(NetClassText)+i, NetClassInt[i], buf); err != nil {
			return buf, err
		}
		c.Int[i], c.Has[i] = ParseSysfsInt(buf)
	}
	return buf, nil
}
