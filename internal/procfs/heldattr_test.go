package procfs

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHeldAttrs: an attribute is opened once and read again through the
// same descriptor, seeing the file's new value each time; an absent one
// is missing, and read once it appears; the live sysfs answers the same
// through held descriptors as through fresh ones, EINVAL included.
func TestHeldAttrs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mtu := filepath.Join(dir, "mtu")
	if err := os.WriteFile(mtu, []byte("1500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := NewHeldAttrs(dir, 2)
	defer h.Close()
	b, missing, err := h.Attr(0, "mtu", nil)
	if err != nil || missing || string(b) != "1500\n" {
		t.Fatalf("mtu: %q, missing %v, err %v", b, missing, err)
	}
	fd := h.fds[0]
	if err := os.WriteFile(mtu, []byte("9000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, missing, err = h.Attr(0, "mtu", b)
	if err != nil || missing || string(b) != "9000\n" || h.fds[0] != fd {
		t.Errorf("mtu again: %q, missing %v, err %v, descriptor %d then %d", b, missing, err, fd, h.fds[0])
	}
	if b, missing, err = h.Attr(1, "speed", b); err != nil || !missing || len(b) != 0 {
		t.Errorf("absent speed: %q, missing %v, err %v", b, missing, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "speed"), []byte("1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, missing, err = h.Attr(1, "speed", b); err != nil || missing || string(b) != "1000\n" {
		t.Errorf("speed once written: %q, missing %v, err %v", b, missing, err)
	}
	h.Close()
	if h.fds[0] != -1 || h.fds[1] != -1 {
		t.Errorf("descriptors left open after Close: %v", h.fds)
	}

	lo := "/sys/class/net/lo"
	if _, err := os.Stat(lo); err != nil {
		return
	}
	hl := NewHeldAttrs(lo, NetClassHeldAttrs)
	defer hl.Close()
	for range 2 {
		var held, fresh NetClassIface
		if _, err := NetClassIfaceHeld(hl, &held, nil); err != nil {
			t.Fatal(err)
		}
		fs, err := NewFS("/proc", "/sys")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.NetClassIface("lo", &fresh, nil); err != nil {
			t.Fatal(err)
		}
		// carrier_changes and the like do not move on lo.
		if held != fresh {
			t.Errorf("lo held %+v, fresh %+v", held, fresh)
		}
	}
}
