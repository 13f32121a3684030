//go:build !unix

package procfs

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// statReadFile reads a whole file into buf[:0], growing it as needed, with
// ReadFile's size cap.
func statReadFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if buf, err = readRoom(path, buf); err != nil {
			return buf, err
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return buf[:0], fmt.Errorf("read %s: %w", path, err)
		}
	}
	return readDone(path, buf)
}

// ReadAttr reads a sysfs attribute into buf[:0] with a single read of at
// most cap(buf) bytes, or of a page when buf has no room at all.
func ReadAttr(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	if cap(buf) == 0 {
		buf = make([]byte, 0, attrSize)
	}
	n, err := f.Read(buf[:cap(buf)])
	if err != nil && !errors.Is(err, io.EOF) {
		return buf[:0], fmt.Errorf("read %s: %w", path, err)
	}
	return buf[:n], nil
}
