//go:build unix

package procfs

import (
	"io/fs"
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
	buf = buf[:0]
	for {
		var err error
		if buf, err = readRoom(path, buf); err != nil {
			return buf, err
		}
		n, err := syscall.Pread(fd, buf[len(buf):cap(buf)], int64(len(buf)))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf[:0], &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n <= 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return readDone(path, buf)
}
