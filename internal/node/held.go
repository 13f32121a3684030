package node

import "github.com/vigia-dev/vigia/internal/procfs"

// maxHeldDevices bounds the devices whose sysfs attributes a collector
// keeps open between scrapes (23 descriptors each for netclass): a host
// with hundreds of veth devices, or of block devices, reads the ones past
// the bound by opening each file at every scrape, as before.
const maxHeldDevices = 16

// heldDevices keeps one procfs.HeldAttrs per device (network or block)
// across scrapes and closes those of devices that went away.
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

// drop closes dev's attributes: its name now stands for another device
// (a rename, or one made anew), whose files the next get opens.
func (h *heldDevices) drop(dev string) {
	if a := h.held[dev]; a != nil {
		a.Close()
		delete(h.held, dev)
	}
}

// closeAll closes every device's attributes.
func (h *heldDevices) closeAll() {
	clear(h.seen)
	h.sweep()
}
