package procfs

import "fmt"

// readRoom returns buf with room for the next read: grown when it is full,
// refused once it holds more than MaxFileSize, so that no kernel file is read
// without bound whatever stat says. Both statReadFile variants grow buf with
// it.
func readRoom(path string, buf []byte) ([]byte, error) {
	if len(buf) < cap(buf) {
		return buf, nil
	}
	if len(buf) > MaxFileSize {
		return buf[:0], fmt.Errorf("read %s: %w", path, ErrTooLarge)
	}
	return append(buf, 0)[:len(buf)], nil
}

// readDone returns buf, the whole file, unless it is over MaxFileSize.
func readDone(path string, buf []byte) ([]byte, error) {
	if len(buf) > MaxFileSize {
		return buf[:0], fmt.Errorf("read %s: %w", path, ErrTooLarge)
	}
	return buf, nil
}

// attrSize is the most a sysfs attribute holds: one page.
const attrSize = 4096
