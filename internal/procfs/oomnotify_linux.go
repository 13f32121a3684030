package procfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// OOMNotifier is one non-blocking eventfd the kernel signals when a cgroup
// v1 memory group it is registered with, or an ancestor of one, runs out
// of memory. v1's memory.oom_control raises no inotify event; this is how
// the kernel says it instead. One descriptor serves every group: Fired
// says only that one did, and costs one system call when none did.
type OOMNotifier struct{ fd int }

// NewOOMNotifier opens the eventfd.
func NewOOMNotifier() (*OOMNotifier, error) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	return &OOMNotifier{fd: fd}, nil
}

// Register asks the kernel to signal n when the v1 memory group at dir
// runs out of memory, by writing "<eventfd> <memory.oom_control's fd>" to
// the group's cgroup.event_control. The registration ends when the group
// is removed or n closed. It fails where the files are missing (not a v1
// memory group, or one removed) or the control file is not writable
// (not root).
func (n *OOMNotifier) Register(dir string) error {
	ctl, err := os.Open(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		return err
	}
	defer ctl.Close()
	// Not os.WriteFile: the file is the kernel's and is never made.
	ev, err := os.OpenFile(filepath.Join(dir, "cgroup.event_control"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer ev.Close()
	line := strconv.Itoa(n.fd) + " " + strconv.Itoa(int(ctl.Fd()))
	if _, err := ev.WriteString(line); err != nil {
		return err
	}
	return nil
}

// Fired says, without blocking, whether a registered group ran out of
// memory since the last call.
func (n *OOMNotifier) Fired() (bool, error) {
	var b [8]byte
	for {
		_, err := unix.Read(n.fd, b[:])
		switch {
		case errors.Is(err, unix.EAGAIN):
			return false, nil
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return false, fmt.Errorf("eventfd read: %w", err)
		}
		return true, nil
	}
}

// Close releases the eventfd, and with it every registration.
func (n *OOMNotifier) Close() error { return unix.Close(n.fd) }
