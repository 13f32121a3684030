package procfs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// mountWatch holds a mountinfo file of the kernel's /proc open to ask
// whether the table changed. An *os.File, so that a table its owner never
// closes does not leak the descriptor.
type mountWatch struct {
	opened bool
	f      *os.File
}

func (w *mountWatch) open(path string) {
	w.opened = true
	// Not os.Open: Go's poller would take the file into its epoll set,
	// and its epoll_wait, asking the file for readiness, would take the
	// change mark before poll below could see it. A blocking descriptor
	// given to os.NewFile stays out of the poller.
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil || st.Type != unix.PROC_SUPER_MAGIC {
		// A fixture tree's copy is never marked: read it every time.
		f.Close()
		return
	}
	w.f = f
}

func (w *mountWatch) watching() bool { return w.f != nil }

// changed reports whether the kernel marked the table changed since the
// last call (or since open); true when it cannot tell.
func (w *mountWatch) changed() bool {
	if w.f == nil {
		return true
	}
	fds := []unix.PollFd{{Fd: int32(w.f.Fd()), Events: unix.POLLPRI}}
	for {
		n, err := unix.Poll(fds, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || fds[0].Revents&unix.POLLNVAL != 0 {
			w.f.Close()
			w.f = nil
			return true
		}
		// The kernel says a change with POLLERR as well as POLLPRI.
		return n > 0 && fds[0].Revents&(unix.POLLPRI|unix.POLLERR) != 0
	}
}

func (w *mountWatch) close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
