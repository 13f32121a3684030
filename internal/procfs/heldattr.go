package procfs

import (
	"io/fs"
	"path/filepath"
	"syscall"
)

// HeldAttrs reads attributes of one sysfs directory through descriptors
// kept open between calls: once a file is open, a read is one pread at
// offset 0, which has the kernel format the attribute afresh, instead of
// an open (a path walk), a read and a close. An attribute is named by its
// index in the caller's fixed list. A descriptor whose read fails the way
// a removed device's does (ENODEV) is closed and the file opened again, so
// an interface deleted and re-created under the same name is read anew.
// Not safe for concurrent use.
type HeldAttrs struct {
	dir string
	fds []int // -1 while not open
}

// NewHeldAttrs holds up to n attributes of dir.
func NewHeldAttrs(dir string, n int) *HeldAttrs {
	h := &HeldAttrs{dir: dir, fds: make([]int, n)}
	for i := range h.fds {
		h.fds[i] = -1
	}
	return h
}

// Attr is SysfsAttr of the directory's attribute name, whose index is i.
func (h *HeldAttrs) Attr(i int, name string, buf []byte) ([]byte, bool, error) {
	if cap(buf) < 256 {
		buf = make([]byte, 0, 4096)
	}
	if fd := h.fds[i]; fd >= 0 {
		n, err := pread(fd, buf[:cap(buf)])
		switch {
		case err == nil:
			return buf[:max(n, 0)], false, nil
		case sysfsMissing(err):
			return buf[:0], true, nil // speed of a link that is down: EINVAL
		}
		syscall.Close(fd)
		h.fds[i] = -1
	}
	path := filepath.Join(h.dir, name)
	var fd int
	var err error
	for {
		fd, err = openat(atCWD, path)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf[:0], sysfsMissing(err), ignoreMissing(&fs.PathError{Op: "open", Path: path, Err: err})
	}
	h.fds[i] = fd
	n, err := pread(fd, buf[:cap(buf)])
	if err != nil {
		return buf[:0], sysfsMissing(err), ignoreMissing(&fs.PathError{Op: "read", Path: path, Err: err})
	}
	return buf[:max(n, 0)], false, nil
}

// Close closes every descriptor held.
func (h *HeldAttrs) Close() {
	for i, fd := range h.fds {
		if fd >= 0 {
			syscall.Close(fd)
			h.fds[i] = -1
		}
	}
}

func pread(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Pread(fd, b, 0)
		if err != syscall.EINTR {
			return n, err
		}
	}
}
