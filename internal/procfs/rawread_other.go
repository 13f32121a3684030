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
		if len(buf) == cap(buf) {
			if len(buf) > MaxFileSize {
				return buf[:0], fmt.Errorf("read %s: %w", path, ErrTooLarge)
			}
			buf = append(buf, 0)[:len(buf)]
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
	if len(buf) > MaxFileSize {
		return buf[:0], fmt.Errorf("read %s: %w", path, ErrTooLarge)
	}
	return buf, nil
}
