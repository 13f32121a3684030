//go:build unix

package procfs

import (
	"io/fs"
	"syscall"
)

// statReadFile reads a whole kernel file into buf[:0], growing it as needed,
// with ReadFile's size cap and without trusting stat's size.
//
// It calls open, read and close directly: os.Open adds fcntl and epoll
// registration that a /proc file never needs, about 10 syscalls instead of
// 3 (shared/research/procbench.md). BenchmarkReadVsOS: half the time of
// os.Open and io.ReadAll for /proc/stat, and 1 allocation instead of 9.
func statReadFile(path string, buf []byte) ([]byte, error) {
	fd, err := openRead(path)
	if err != nil {
		return buf[:0], err
	}
	defer syscall.Close(fd)
	if cap(buf) < 1024 {
		buf = make([]byte, 0, 4096)
	}
	return fillFrom(path, buf[:0], func(p []byte, _ int64) (int, error) { return syscall.Read(fd, p) })
}

// fillFrom reads path into buf until read reports the end, growing buf with
// ReadFile's size cap: the one loop of a plain read and of preadAll, which
// differ only in the call (read is given the offset the next byte is at).
func fillFrom(path string, buf []byte, read func(p []byte, off int64) (int, error)) ([]byte, error) {
	for {
		var err error
		if buf, err = readRoom(path, buf); err != nil {
			return buf, err
		}
		n, err := read(buf[len(buf):cap(buf)], int64(len(buf)))
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

// ReadAttr reads a sysfs attribute into buf[:0] with a single read of at
// most cap(buf) bytes, or of a page when buf has no room at all: the
// kernel hands an attribute over whole (at most a page) on the first read,
// and a driver that answers EAGAIN must fail the read at once rather than
// be polled. Unlike statReadFile it never reads a second time.
func ReadAttr(path string, buf []byte) ([]byte, error) {
	fd, err := openRead(path)
	if err != nil {
		return buf[:0], err
	}
	defer syscall.Close(fd)
	if cap(buf) == 0 {
		buf = make([]byte, 0, attrSize)
	}
	var n int
	for {
		n, err = syscall.Read(fd, buf[:cap(buf)])
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf[:0], &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return buf[:max(n, 0)], nil
}

// openRead opens path read-only with open(2) itself, retried on EINTR.
func openRead(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}
