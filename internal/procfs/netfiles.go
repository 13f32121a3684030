package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// ReadNet reads <proc>/net/<name> (or a deeper path, "stat/nf_conntrack")
// into buf[:0], reusing its capacity: the network collectors read their
// files once a scrape and parse them with the functions below.
func (fs FS) ReadNet(name string, buf []byte) ([]byte, error) {
	return fs.read(fs.Proc("net", name), buf)
}

// ReadProcFile reads <proc>/<elem...> into buf[:0], as ReadNet does.
func (fs FS) ReadProcFile(buf []byte, elem ...string) ([]byte, error) {
	return fs.read(fs.Proc(elem...), buf)
}

// ParseUintFile parses a file holding one decimal number and a newline,
// such as /proc/sys/net/netfilter/nf_conntrack_count.
func ParseUintFile(b []byte) (uint64, error) {
	v, ok := parseDecimal(bytes.TrimSpace(b))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", truncated(b))
	}
	return v, nil
}

// ParseSysfsInt parses a sysfs attribute the way node_exporter does: an
// int64 in decimal, or in hex or octal with a 0x or 0 prefix (flags is
// "0x1003"). ok is false for anything else, which the caller skips.
func ParseSysfsInt(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, false
	}
	base, digits, neg := uint64(10), b, false
	if digits[0] == '-' || digits[0] == '+' {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	switch {
	case len(digits) > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'):
		base, digits = 16, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, digits = 8, digits[1:]
	}
	// Up to 1<<63, the magnitude of the least int64; a positive number
	// fits one below it.
	v, ok := parseDigits(digits, base, 1<<63)
	if !ok {
		return 0, false
	}
	if neg {
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// SysfsAttr reads one small sysfs attribute into buf[:0] with a single
// read, as node_exporter does (a broken driver returning EAGAIN must not
// make the read poll). missing is true for the errors that mean "this
// device has no such value": absent file, no permission, EINVAL (speed of
// a link that is down), EOPNOTSUPP; any other error is returned.
func SysfsAttr(path string, buf []byte) (b []byte, missing bool, err error) {
	return sysfsAttrAt(atCWD, path, func() string { return path }, buf)
}

// sysfsAttrAt is SysfsAttr of name relative to the directory dirfd (atCWD:
// name is a path); path is called only for an error's message.
func sysfsAttrAt(dirfd int, name string, pathOf func() string, buf []byte) (b []byte, missing bool, err error) {
	if cap(buf) < 256 {
		buf = make([]byte, 0, 4096)
	}
	var fd int
	for {
		fd, err = openat(dirfd, name)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf[:0], sysfsMissing(err), ignoreMissing(&fs.PathError{Op: "open", Path: pathOf(), Err: err})
	}
	defer syscall.Close(fd)
	var n int
	for {
		n, err = syscall.Read(fd, buf[:cap(buf)])
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf[:0], sysfsMissing(err), ignoreMissing(&fs.PathError{Op: "read", Path: pathOf(), Err: err})
	}
	return buf[:n], false, nil
}

func sysfsMissing(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) ||
		errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP)
}

func ignoreMissing(err *fs.PathError) error {
	if sysfsMissing(err) {
		return nil
	}
	return err
}
