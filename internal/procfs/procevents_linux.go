package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrNoProcEvents is wrapped by ListenProcEvents when the kernel refuses a
// listener: older kernels take CAP_NET_ADMIN in the initial namespaces.
var ErrNoProcEvents = errors.New("process events need CAP_NET_ADMIN")

// ProcEvents is a subscription to the process-events connector. Read is
// for one goroutine; Close may be called from any, and ends a Read that
// waits.
type ProcEvents struct {
	f   *os.File
	buf []byte
}

const (
	procCnMcastListen = 1
	// procEventsBuffer holds some 10,000 events (each costs the socket
	// about 768 bytes).
	procEventsBuffer = 8 << 20
)

// ListenProcEvents subscribes to every fork, exec and exit of the
// machine's processes. Events of threads (PID != TGID) and the connector's
// other kinds are dropped by the kernel where it allows a socket filter.
func ListenProcEvents() (*ProcEvents, error) { return listenProcEvents(true) }

// listenProcEvents subscribes, with the kernel's filter when filtered is
// set (tests compare with and without).
func listenProcEvents(filtered bool) (*ProcEvents, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_CONNECTOR)
	if err != nil {
		return nil, fmt.Errorf("open the process-events socket: %w", err)
	}
	// A build forks thousands of times a second, threads included: a large
	// buffer keeps a burst from overflowing it between two reads. Beyond
	// rmem_max only a privileged process may ask (FORCE).
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, procEventsBuffer) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, procEventsBuffer)
	}
	if filtered {
		// Before bind, so that no unfiltered event is queued.
		_ = filterProcessEvents(fd)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc}); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("%w: %w", ErrNoProcEvents, err)
		}
		return nil, fmt.Errorf("bind the process-events socket: %w", err)
	}
	if err := unix.Sendto(fd, listenRequest(), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("%w: %w", ErrNoProcEvents, err)
		}
		return nil, fmt.Errorf("subscribe to process events: %w", err)
	}
	return &ProcEvents{f: os.NewFile(uintptr(fd), "proc-events"), buf: make([]byte, 64<<10)}, nil
}

// listenRequest is a netlink message carrying a connector message whose
// payload is PROC_CN_MCAST_LISTEN.
func listenRequest() []byte {
	ne := binary.NativeEndian
	b := make([]byte, nlmsgHdrLen+cnMsgLen+4)
	ne.PutUint32(b, uint32(len(b)))
	ne.PutUint16(b[4:], nlmsgDone)
	ne.PutUint32(b[12:], uint32(os.Getpid()))
	c := b[nlmsgHdrLen:]
	ne.PutUint32(c, cnIdxProc)
	ne.PutUint32(c[4:], cnValProc)
	ne.PutUint16(c[16:], 4)
	ne.PutUint32(c[cnMsgLen:], procCnMcastListen)
	return b
}

// ErrProcEventsLost is returned by Read when the socket's buffer overflowed
// and the kernel dropped events; reading may go on.
var ErrProcEventsLost = errors.New("process events lost: the socket buffer overflowed")

// Read waits for the next datagram and appends its events to dst. After
// Close it returns os.ErrClosed.
func (p *ProcEvents) Read(dst []ProcEvent) ([]ProcEvent, error) {
	n, rerr := recvDatagram(p.f, p.buf)
	if errors.Is(rerr, os.ErrClosed) {
		return dst, rerr
	}
	if rerr == unix.ENOBUFS {
		return dst, ErrProcEventsLost
	}
	if rerr != nil {
		return dst, fmt.Errorf("read process events: %w", rerr)
	}
	return ParseProcEvents(p.buf[:n], dst)
}

// Close ends the subscription.
func (p *ProcEvents) Close() error { return p.f.Close() }

// recvRaw receives one datagram from the non-blocking socket fd without
// telling the scheduler: the call never waits (an empty socket answers
// EAGAIN and the poller waits instead), and a system call the scheduler is
// told of wakes Go's sysmon thread when the program was idle, which on a
// machine forking hundreds of times a second was most of the listener's
// cost (docs/PERFORMANCE.md).
func recvRaw(fd int, buf []byte) (int, error) {
	for {
		r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)),
			unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			return int(r), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}
