//go:build unix

package procfs

import (
	"syscall"
)

func (h *heldFiles) read(path string, buf []byte) ([]byte, error) {
	fd, ok := h.fds[path]
	if !ok {
		if len(h.fds) >= maxHeldFiles {
			return statReadFile(path, buf)
		}
		var err error
		if fd, err = openRead(path); err != nil {
			return buf[:0], err
		}
		h.fds[path] = fd
	}
	b, err := preadAll(fd, path, buf)
	if err == nil {
		return b, nil
	}
	// The file went away under the descriptor (a device removed, a
	// network namespace gone): read it afresh, as without one.
	syscall.Close(fd)
	delete(h.fds, path)
	return statReadFile(path, b)
}

// preadAll is statReadFile's loop over an open descriptor, from offset 0.
func preadAll(fd int, path string, buf []byte) ([]byte, error) {
	if cap(buf) < 1024 {
		buf = make([]byte, 0, 4096)
	}
	return fillFrom(path, buf[:0], func(p []byte, off int64) (int, error) { return syscall.Pread(fd, p, off) })
}
