package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ErrNoTaskstats is wrapped by ListenTaskstats when the kernel has no
// taskstats or will not let vigia listen: registering takes CAP_NET_ADMIN
// in the initial user and PID namespaces.
var ErrNoTaskstats = errors.New("taskstats need CAP_NET_ADMIN in the initial namespaces")

// ErrTaskstatsLost is returned by Taskstats.Read when the socket's buffer
// overflowed and the kernel dropped records; reading may go on.
var ErrTaskstatsLost = errors.New("taskstats records lost: the socket buffer overflowed")

// Taskstats is a registration for the exit records of every task on a set
// of CPUs. Read is for one goroutine; Close may be called from any, and
// ends a Read that waits.
type Taskstats struct {
	f      *os.File
	family uint16
	cpus   string
	buf    []byte
}

const (
	// taskstatsBuffer holds some 8,000 records (each costs the socket
	// about 1 KB); a build's burst of exits must not overflow it between
	// two reads.
	taskstatsBuffer = 8 << 20
	tsCmdGet        = 1
	tsCmdAttrReg    = 3
	tsCmdAttrDereg  = 4
	ctrlCmdGetFam   = 3
	ctrlAttrFamName = ctrlAttrFamilyName
	// taskstatsAnswer bounds the wait for the kernel's answers to the
	// family lookup and the registration, which come at once.
	taskstatsAnswer = 2 * time.Second
)

// ListenTaskstats registers for the exit records of the tasks on cpus, a
// kernel CPU list ("0-3,6", as /sys/devices/system/cpu/online has it).
func ListenTaskstats(cpus string) (*Taskstats, error) {
	cpus = strings.TrimSpace(cpus)
	if cpus == "" {
		return nil, errors.New("taskstats: no CPUs to listen on")
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_GENERIC)
	if err != nil {
		return nil, fmt.Errorf("open the taskstats socket: %w", err)
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, taskstatsBuffer) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, taskstatsBuffer)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind the taskstats socket: %w", err)
	}
	t := &Taskstats{f: os.NewFile(uintptr(fd), "taskstats"), cpus: cpus, buf: make([]byte, 64<<10)}
	if err := t.lookUp(); err != nil {
		t.f.Close()
		return nil, err
	}
	if err := t.register(tsCmdAttrReg); err != nil {
		t.f.Close()
		return nil, err
	}
	return t, nil
}

// lookUp asks the generic netlink controller for the TASKSTATS family's id.
func (t *Taskstats) lookUp() error {
	req := genlRequest(genlIDCtrl, unix.NLM_F_REQUEST, ctrlCmdGetFam, 1, ctrlAttrFamName, []byte("TASKSTATS\x00"))
	if err := t.send(req); err != nil {
		return fmt.Errorf("look up taskstats: %w", err)
	}
	b, err := t.answer()
	if err != nil {
		return fmt.Errorf("look up taskstats: %w", err)
	}
	id, errno, err := ParseGenlFamilyID(b)
	switch {
	case err != nil:
		return fmt.Errorf("look up taskstats: %w", err)
	case errno != 0:
		// ENOENT: a kernel built without CONFIG_TASKSTATS.
		return fmt.Errorf("%w: look up the family: %w", ErrNoTaskstats, unix.Errno(errno))
	}
	t.family = id
	return nil
}

// register adds (or, with tsCmdAttrDereg, removes) this socket as a
// listener on t.cpus and waits for the kernel's acknowledgement.
func (t *Taskstats) register(attr uint16) error {
	req := genlRequest(t.family, unix.NLM_F_REQUEST|unix.NLM_F_ACK, tsCmdGet, 1, attr, append([]byte(t.cpus), 0))
	if err := t.send(req); err != nil {
		return fmt.Errorf("register for taskstats: %w", err)
	}
	if attr == tsCmdAttrDereg {
		return nil // the answer, if any, goes to a socket about to close
	}
	b, err := t.answer()
	if err != nil {
		return fmt.Errorf("register for taskstats: %w", err)
	}
	// Exit records may already come before the acknowledgement.
	var errno int32
	acked := false
	perr := nlMessages(b, func(typ uint16, msg []byte) error {
		if typ != nlmsgError {
			return nil
		}
		e, err := netlinkErrno(msg)
		errno, acked = e, err == nil
		return err
	})
	switch {
	case perr != nil:
		return fmt.Errorf("register for taskstats: %w: %w", ErrTaskstatsFormat, perr)
	case !acked:
		return errors.New("register for taskstats: no acknowledgement")
	case errno == int32(unix.EPERM) || errno == int32(unix.EACCES) || errno == int32(unix.EINVAL):
		// EINVAL: a user or PID namespace other than the initial one.
		return fmt.Errorf("%w: %w", ErrNoTaskstats, unix.Errno(errno))
	case errno != 0:
		return fmt.Errorf("register for taskstats on CPUs %s: %w", t.cpus, unix.Errno(errno))
	}
	return nil
}

func (t *Taskstats) send(b []byte) error {
	rc, err := t.f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.Sendto(int(fd), b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
	}); err != nil {
		return err
	}
	return serr
}

// answer reads the next datagram within taskstatsAnswer, skipping exit
// records that come before it: they are not what was asked.
func (t *Taskstats) answer() ([]byte, error) {
	if err := t.f.SetReadDeadline(time.Now().Add(taskstatsAnswer)); err != nil {
		return nil, err
	}
	defer t.f.SetReadDeadline(time.Time{})
	for {
		n, err := t.recv()
		if errors.Is(err, unix.ENOBUFS) {
			continue
		}
		if err != nil {
			return nil, err
		}
		b := t.buf[:n]
		if n >= nlmsgHdrLen && t.family != 0 && binary.NativeEndian.Uint16(b[4:]) == t.family {
			continue // an exit record, before the acknowledgement
		}
		return b, nil
	}
}

func (t *Taskstats) recv() (int, error) { return recvDatagram(t.f, t.buf) }

// recvDatagram waits on the runtime's poller for the next datagram of a
// non-blocking netlink socket and reads it into buf. The error is the
// file's (os.ErrClosed after Close) or the socket's (ENOBUFS: the kernel
// dropped messages).
func recvDatagram(f *os.File, buf []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		n, rerr = recvRaw(int(fd), buf)
		return rerr != unix.EAGAIN
	})
	if err != nil {
		return 0, err
	}
	return n, rerr
}

// genlRequest builds a generic netlink request with one attribute.
func genlRequest(typ, flags uint16, cmd, version uint8, attr uint16, val []byte) []byte {
	ne := binary.NativeEndian
	alen := nlaHdrLen + len(val)
	b := make([]byte, nlmsgHdrLen+genlHdrLen+(alen+3)&^3)
	ne.PutUint32(b, uint32(len(b)))
	ne.PutUint16(b[4:], typ)
	ne.PutUint16(b[6:], flags)
	ne.PutUint32(b[8:], 1) // sequence
	b[nlmsgHdrLen], b[nlmsgHdrLen+1] = cmd, version
	a := b[nlmsgHdrLen+genlHdrLen:]
	ne.PutUint16(a, uint16(alen))
	ne.PutUint16(a[2:], attr)
	copy(a[nlaHdrLen:], val)
	return b
}

// Read waits for the next datagram and appends its exit records to dst.
// After Close it returns os.ErrClosed.
func (t *Taskstats) Read(dst []TaskExit) ([]TaskExit, error) {
	n, err := t.recv()
	if errors.Is(err, unix.ENOBUFS) {
		return dst, ErrTaskstatsLost
	}
	if errors.Is(err, os.ErrClosed) {
		return dst, err
	}
	if err != nil {
		return dst, fmt.Errorf("read taskstats: %w", err)
	}
	return ParseTaskstats(t.buf[:n], t.family, dst)
}

// Close deregisters, so the kernel stops building records for this
// socket at once rather than at its next failed send, and ends the
// registration.
func (t *Taskstats) Close() error {
	_ = t.register(tsCmdAttrDereg)
	return t.f.Close()
}
