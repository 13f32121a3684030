package node

import "github.com/vigia-dev/vigia/internal/procfs"

// maxHeldDevices bounds the network devices whose sysfs attributes a
// collector keeps open between scrapes (23 descriptors each for netclass):
// a host with hundreds of veth devices reads the ones past the bound by
// opening each file at every scrape, as before.
const maxHeldDevices = 16

// heldDevices keeps one procfs.HeldAttrs per network device across
// scrapes and closes those of devices that went away.
type heldDevices struct {
	open func(dev string) *procfs.HeldAttrs
	held map[string]*procfs.HeldAttrs
	seen map[string]bool
}

func newHeldDevices(open func(dev string) *procfs.HeldAttrs) *heldDevices {
	return &heldDevices{open: open, held: map[string]*procfs.HeldAttrs{}, seen: map[string]bool{}}
}

// get returns dev's held attributes, or nil past maxHeldDevices.
func (h *heldDevices) get(dev string) *procfs.HeldAttrs {
	h.seen[dev] = true
	if a := h.held[dev]; a != nil {
		return a
	}
	if len(h.held) >= maxHeldDevices {
		return nil
	}
	a := h.open(dev)
	h.held[dev] = a
	return a
}

// sweep closes the attributes of devices get was not asked for since the
// last sweep: called once per scrape, after the devices were read.
func (h *heldDevices) sweep() {
	for dev, a := range h.held {
		if !h.seen[dev] {
			a.Close()
			delete(h.held, dev)
		}
	}
	clear(h.seen)
}

// closeAll closes every device's attributes.
func (h *heldDevices) closeAll() {
	clear(h.seen)
	h.sweep()
}
