package node

import (
	"strconv"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// TestHeldDevices: a device's attributes are held across scrapes while it
// is listed and dropped at the first scrape it is not; no more than
// maxHeldDevices are held, the rest read as before.
func TestHeldDevices(t *testing.T) {
	t.Parallel()
	opened := map[string]int{}
	h := newHeldDevices(func(dev string) *procfs.HeldAttrs {
		opened[dev]++
		return procfs.NewHeldAttrs(t.TempDir(), 1)
	})
	first := h.get("eth0")
	h.get("veth1")
	h.sweep()
	if h.get("eth0") != first {
		t.Error("eth0's attributes were not kept across scrapes")
	}
	h.sweep()
	if _, ok := h.held["veth1"]; ok {
		t.Error("veth1 is still held after a scrape without it")
	}
	for i := range 2 * maxHeldDevices {
		h.get("veth" + strconv.Itoa(i))
	}
	if len(h.held) != maxHeldDevices {
		t.Errorf("%d devices held, want the bound %d", len(h.held), maxHeldDevices)
	}
	if h.get("veth99") != nil {
		t.Error("a device past the bound got held attributes")
	}
	if opened["eth0"] != 1 {
		t.Errorf("eth0 opened %d times, want once", opened["eth0"])
	}
}
