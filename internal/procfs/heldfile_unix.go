//go:build unix

package procfs

import (
	"cmp"
	"syscall"
)

func (h *heldFiles) read(path string, buf []byte) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.fds[path]
	if !ok {
		if h.fds == nil {
			h.fds = map[string]heldFile{}
		}
		if len(h.fds) >= cmp.Or(h.max, maxHeldFiles) {
			return statReadFile(path, buf)
		}
		fd, err := openRead(path)
		if err != nil {
			return buf[:0], err
		}
		f.fd = fd
	}
	f.pass = h.pass
	h.fds[path] = f
	b, err := preadAll(f.fd, path, buf)
	if err == nil {
		return b, nil
	}
	// The file went away under the descriptor (a device removed, a
	// network namespace or a cgroup gone): read it afresh, as without one.
	syscall.Close(f.fd)
	delete(h.fds, path)
	return statReadFile(path, b)
}

func (h *heldFiles) sweep() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for path, f := range h.fds {
		if h.pass-f.pass >= heldSweeps {
			syscall.Close(f.fd)
			delete(h.fds, path)
		}
	}
	h.pass++
}

// preadAll is statReadFile's loop over an open descriptor, from offset 0.
func preadAll(fd int, path string, buf []byte) ([]byte, error) {
	if cap(buf) < 1024 {
		buf = make([]byte, 0, 4096)
	}
	return fillFrom(path, buf[:0], func(p []byte, off int64) (int, error) { return syscall.Pread(fd, p, off) })
}
