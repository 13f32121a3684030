// Package procfs reads the Linux kernel's /proc and /sys files. An FS is
// rooted at mount points chosen by the caller (--procfs, --sysfs), so tests
// read fixture trees and a container can read its host's /proc. Parsers are
// pure functions over bytes; this package knows nothing of readings.
package procfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// MaxFileSize caps every read: kernel files report no useful size to stat,
// and a garbage fixture or a runaway file must not take all memory.
const MaxFileSize = 4 << 20

// FS is a validated pair of roots for /proc and /sys. The zero value is not
// usable; build one with NewFS.
type FS struct {
	proc string
	sys  string
	held *heldFiles // nil: each read opens its file (WithHeldFiles)
}

// NewFS checks that proc looks like a procfs mount (it has a readable "stat"
// file) and that sys is a directory, and returns an FS rooted there.
func NewFS(proc, sys string) (FS, error) {
	if _, err := os.Stat(filepath.Join(proc, "stat")); err != nil {
		return FS{}, fmt.Errorf("procfs root %q: no readable stat file (is it a /proc mount?): %w", proc, err)
	}
	if fi, err := os.Stat(sys); err != nil {
		return FS{}, fmt.Errorf("sysfs root %q: %w", sys, err)
	} else if !fi.IsDir() {
		return FS{}, fmt.Errorf("sysfs root %q: not a directory", sys)
	}
	return FS{proc: proc, sys: sys}, nil
}

// ProcRoot returns the /proc mount point.
func (fs FS) ProcRoot() string { return fs.proc }

// SysRoot returns the /sys mount point.
func (fs FS) SysRoot() string { return fs.sys }

// Proc joins elem under the /proc root.
func (fs FS) Proc(elem ...string) string { return filepath.Join(append([]string{fs.proc}, elem...)...) }

// Sys joins elem under the /sys root.
func (fs FS) Sys(elem ...string) string { return filepath.Join(append([]string{fs.sys}, elem...)...) }

// ErrTooLarge is returned by ReadFile for a file over MaxFileSize.
var ErrTooLarge = errors.New("file larger than the read cap")

// ReadFile reads a whole kernel file without trusting its size (stat says 0
// for most of /proc) and refuses more than MaxFileSize bytes. It reads as
// statReadFile does, with open, read and close alone: os.Open would add
// the file to Go's poller (procfs and sysfs files answer poll) and take it
// out again, 10 system calls where 3 do.
func ReadFile(path string) ([]byte, error) { return FS{}.ReadFile(path) }
