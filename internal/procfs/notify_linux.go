package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Inotify is a non-blocking inotify descriptor: Read returns what happened
// since the last Read, or nothing, at the cost of one system call. It is
// how memory.events changes are noticed without reading the files of
// every cgroup every pass.
type Inotify struct {
	fd  int
	buf []byte
}

// InotifyEvent is one inotify record: the watch it came from, what
// happened (unix.IN_* bits) and, for a watched directory, the name inside
// it.
type InotifyEvent struct {
	WD   int
	Mask uint32
	Name string
}

// NewInotify opens a non-blocking inotify descriptor.
func NewInotify() (*Inotify, error) {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	return &Inotify{fd: fd, buf: make([]byte, 16<<10)}, nil
}

// Add watches path for the events of mask and returns the watch's number.
func (in *Inotify) Add(path string, mask uint32) (int, error) {
	wd, err := unix.InotifyAddWatch(in.fd, path, mask)
	if err != nil {
		return 0, &os.PathError{Op: "inotify_add_watch", Path: path, Err: err}
	}
	return wd, nil
}

// Read appends the pending events to dst without blocking.
func (in *Inotify) Read(dst []InotifyEvent) ([]InotifyEvent, error) {
	for {
		n, err := unix.Read(in.fd, in.buf)
		if errors.Is(err, unix.EAGAIN) {
			return dst, nil
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return dst, fmt.Errorf("inotify read: %w", err)
		}
		dst = parseInotify(dst, in.buf[:n])
	}
}

// parseInotify decodes struct inotify_event records: wd (4), mask (4),
// cookie (4), len (4), then a NUL-padded name of len bytes.
func parseInotify(dst []InotifyEvent, b []byte) []InotifyEvent {
	for len(b) >= unix.SizeofInotifyEvent {
		wd := int(int32(binary.NativeEndian.Uint32(b[0:])))
		mask := binary.NativeEndian.Uint32(b[4:])
		nameLen := int(binary.NativeEndian.Uint32(b[12:]))
		b = b[unix.SizeofInotifyEvent:]
		if nameLen > len(b) {
			break
		}
		name := b[:nameLen]
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		dst = append(dst, InotifyEvent{WD: wd, Mask: mask, Name: string(name)})
		b = b[nameLen:]
	}
	return dst
}

// Close releases the descriptor and with it every watch.
func (in *Inotify) Close() error { return unix.Close(in.fd) }

// Kmsg reads the kernel log (/dev/kmsg) from where it was opened: older
// records are skipped, and Read returns the records written since the
// last Read without blocking, one a line, as ParseKmsgOOM takes them.
type Kmsg struct {
	fd  int
	rec []byte
}

// OpenKmsg opens the kernel log at path and moves past what it holds. It
// fails where the log is not readable (kernel.dmesg_restrict without
// CAP_SYSLOG).
func OpenKmsg(path string) (*Kmsg, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	if _, err := unix.Seek(fd, 0, 2); err != nil { // SEEK_END: only what comes next
		unix.Close(fd)
		return nil, &os.PathError{Op: "seek", Path: path, Err: err}
	}
	return &Kmsg{fd: fd, rec: make([]byte, 8192)}, nil
}

// Read appends the records written since the last Read to dst, each
// ending in a newline, and stops at maxBytes so a log that floods cannot
// take all memory.
func (k *Kmsg) Read(dst []byte, maxBytes int) ([]byte, error) {
	for len(dst) < maxBytes {
		n, err := unix.Read(k.fd, k.rec)
		switch {
		case errors.Is(err, unix.EAGAIN):
			return dst, nil
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EPIPE):
			// EPIPE: records were overwritten before they were read; the
			// next read gives the oldest one still there.
			continue
		case err != nil:
			return dst, fmt.Errorf("read kmsg: %w", err)
		case n == 0:
			return dst, nil
		}
		dst = append(dst, k.rec[:n]...)
		if dst[len(dst)-1] != '\n' {
			dst = append(dst, '\n')
		}
	}
	return dst, nil
}

// Close releases the descriptor.
func (k *Kmsg) Close() error { return unix.Close(k.fd) }

// PressureTrigger is a PSI trigger: the kernel signals it when the
// resource's stall time within a window passes a threshold. Fired asks
// without blocking.
type PressureTrigger struct{ fd int }

// OpenPressureTrigger writes trigger ("some 150000 2000000": 150 ms of
// stall within 2 s) to the pressure file at path. An unprivileged user may
// since Linux 6.4 when the window is a multiple of 2 s; elsewhere it fails,
// and the caller polls the averages instead.
func OpenPressureTrigger(path, trigger string) (*PressureTrigger, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	// Only the kernel's files take a trigger: a fixture tree's copy would
	// be overwritten with it, and never fire.
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil || (st.Type != unix.PROC_SUPER_MAGIC && st.Type != unix.CGROUP2_SUPER_MAGIC) {
		unix.Close(fd)
		return nil, &os.PathError{Op: "write trigger", Path: path, Err: errors.ErrUnsupported}
	}
	if _, err := unix.Write(fd, append([]byte(trigger), 0)); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "write trigger", Path: path, Err: err}
	}
	return &PressureTrigger{fd: fd}, nil
}

// Fired reports whether the trigger has fired since the last call.
func (p *PressureTrigger) Fired() (bool, error) {
	fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLPRI}}
	for {
		n, err := unix.Poll(fds, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("poll pressure trigger: %w", err)
		}
		if n > 0 && fds[0].Revents&unix.POLLERR != 0 {
			return false, errors.New("pressure trigger: its file is gone")
		}
		return n > 0 && fds[0].Revents&unix.POLLPRI != 0, nil
	}
}

// Close removes the trigger.
func (p *PressureTrigger) Close() error { return unix.Close(p.fd) }
