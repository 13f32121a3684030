package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrLinkFormat is wrapped by ParseLinks and Links.Dump for a message
// they cannot read.
var ErrLinkFormat = errors.New("malformed rtnetlink link message")

const (
	ifinfomsgLen = unix.SizeofIfInfomsg
	// rtextFilterSkipStats is RTEXT_FILTER_SKIP_STATS (linux/rtnetlink.h):
	// leave out IPv6's per-device counters, which the kernel sums over
	// every CPU for each device (on 6.18, 1.1 kB a device's message
	// against 1.5).
	rtextFilterSkipStats = 1 << 3
	// linksRecv is the first receive buffer. The kernel sizes a dump's
	// datagrams to the largest buffer a receive has offered (up to 32 kB)
	// and to no less than its largest message; a datagram longer than the
	// buffer grows it and the dump is asked for again.
	linksRecv = 16 << 10
	// linksTimeout bounds a receive: the kernel writes a dump's datagrams
	// as they are read, so one never comes late unless something broke.
	linksTimeout = 2 * time.Second
	// linksTries is how often Dump asks again when the device list changed
	// during a dump (NLM_F_DUMP_INTR) or a datagram did not fit.
	linksTries = 3
)

// Links reads the network devices of the caller's network namespace with
// one RTM_GETLINK dump (NETLINK_ROUTE, AF_UNSPEC, NLM_F_DUMP) over a socket
// kept open between dumps. Not safe for concurrent use.
type Links struct {
	fd      *linkSocket
	req     [unix.NLMSG_HDRLEN + ifinfomsgLen + unix.SizeofRtAttr + 4]byte
	seq     uint32
	buf     []byte
	from    unix.RawSockaddrNetlink
	fromLen uint32
	p       linkParser
}

// linkSocket is the descriptor, apart from Links so that a cleanup can
// close it when Links is dropped unclosed.
type linkSocket struct{ fd int }

func (s *linkSocket) close() error {
	if s.fd < 0 {
		return os.ErrClosed
	}
	err := unix.Close(s.fd)
	s.fd = -1
	return err
}

// OpenLinks opens the socket. Without stats, the kernel is asked to leave
// counters out (RTEXT_FILTER_SKIP_STATS), which makes a dump cheaper for
// a reader that needs none; Link.Stats may then be empty.
func OpenLinks(stats bool) (*Links, error) {
	l := &Links{fd: &linkSocket{fd: -1}, buf: make([]byte, linksRecv)}
	if err := l.open(); err != nil {
		return nil, err
	}
	runtime.AddCleanup(l, func(s *linkSocket) { s.close() }, l.fd)
	ne := binary.NativeEndian
	r := l.req[:]
	ne.PutUint32(r[0:], uint32(len(r)))
	ne.PutUint16(r[4:], unix.RTM_GETLINK)
	ne.PutUint16(r[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	// r[16:32], the struct ifinfomsg, stays zero: AF_UNSPEC, every device.
	a := r[unix.NLMSG_HDRLEN+ifinfomsgLen:]
	ne.PutUint16(a[0:], unix.SizeofRtAttr+4)
	ne.PutUint16(a[2:], unix.IFLA_EXT_MASK)
	if !stats {
		ne.PutUint32(a[4:], rtextFilterSkipStats)
	}
	return l, nil
}

// open opens the socket into l.fd.
func (l *Links) open() error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("open a route netlink socket: %w", err)
	}
	tv := unix.NsecToTimeval(int64(linksTimeout))
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return fmt.Errorf("route netlink socket: SO_RCVTIMEO: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return fmt.Errorf("bind the route netlink socket: %w", err)
	}
	l.fd.fd = fd
	return nil
}

// Close closes the socket.
func (l *Links) Close() error { return l.fd.close() }

// Dump asks the kernel for every device and returns them in dst[:0],
// reusing its capacity. The Links' byte slices hold until the next Dump.
// An error closes the socket: the answer's rest may still be queued.
func (l *Links) Dump(dst []Link) ([]Link, error) {
	if l.fd.fd < 0 {
		return dst[:0], os.ErrClosed
	}
	for try := 1; ; try++ {
		l.p = linkParser{dst: dst[:0], arena: l.p.arena[:0]}
		need, err := l.dump()
		switch {
		case err != nil:
			l.fd.close()
			return l.p.dst, err
		case need > 0 && try < linksTries:
			// A datagram longer than the buffer lost its tail, and with
			// it perhaps the end of the dump: the socket cannot be read
			// in step again, so it is replaced.
			l.fd.close()
			if err := l.open(); err != nil {
				return dst[:0], err
			}
			l.buf = make([]byte, need)
		case need > 0:
			l.fd.close()
			return dst[:0], fmt.Errorf("%w: a datagram of %d bytes did not fit", ErrLinkFormat, need)
		case !l.p.intr || try == linksTries:
			return l.p.dst, nil
		}
	}
}

// dump sends one request and reads its answer to the end. need is the
// length of a datagram that did not fit the buffer.
func (l *Links) dump() (need int, err error) {
	l.seq++
	if l.seq == 0 {
		l.seq = 1
	}
	l.p.seq = l.seq
	binary.NativeEndian.PutUint32(l.req[8:], l.seq)
	for {
		_, err = unix.Write(l.fd.fd, l.req[:])
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("ask for the link dump: %w", err)
	}
	for !l.p.done {
		n, err := l.recv()
		switch {
		case err != nil:
			return 0, fmt.Errorf("read the link dump: %w", err)
		case l.from.Pid != 0:
			continue // not the kernel
		case n > len(l.buf): // MSG_TRUNC gave the datagram's length
			return n, nil
		}
		if err := l.p.parse(l.buf[:n]); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

func (l *Links) recv() (int, error) {
	for {
		l.fromLen = unix.SizeofSockaddrNetlink
		r, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(l.fd.fd), uintptr(unsafe.Pointer(&l.buf[0])), uintptr(len(l.buf)),
			unix.MSG_TRUNC, uintptr(unsafe.Pointer(&l.from)), uintptr(unsafe.Pointer(&l.fromLen)))
		switch e {
		case 0:
			return int(r), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// ParseLinks parses the datagrams of a link dump, concatenated, into
// dst[:0]: one Link per RTM_NEWLINK message, up to NLMSG_DONE. A
// truncated or inconsistent message, an attribute shorter than its type,
// a link without a name or an NLMSG_ERROR is an error wrapping
// ErrLinkFormat (or the kernel's errno), and the links before it are
// returned with it. Messages of other types are skipped.
func ParseLinks(b []byte, dst []Link) ([]Link, error) {
	p := linkParser{dst: dst[:0]}
	err := p.parse(b)
	return p.dst, err
}

// linkParser reads a dump's datagrams one after another.
type linkParser struct {
	seq uint32 // the request's; 0 takes any
	dst []Link
	// arena holds the links' names, addresses and aliases: the datagram
	// buffer is reused for the next one.
	arena []byte
	// done: NLMSG_DONE was read. intr: a message had NLM_F_DUMP_INTR,
	// the device list changed while the kernel wrote the dump.
	done, intr bool
}

// parse reads one datagram, or several concatenated.
func (p *linkParser) parse(b []byte) error {
	ne := binary.NativeEndian
	for len(b) > 0 && !p.done {
		if len(b) < unix.NLMSG_HDRLEN {
			return fmt.Errorf("%w: %d bytes left, less than a netlink header", ErrLinkFormat, len(b))
		}
		n := int(ne.Uint32(b))
		typ, flags, seq := ne.Uint16(b[4:]), ne.Uint16(b[6:]), ne.Uint32(b[8:])
		if n < unix.NLMSG_HDRLEN || n > len(b) {
			return fmt.Errorf("%w: netlink length %d of %d bytes", ErrLinkFormat, n, len(b))
		}
		msg := b[unix.NLMSG_HDRLEN:n]
		b = b[min((n+unix.NLMSG_ALIGNTO-1)&^(unix.NLMSG_ALIGNTO-1), len(b)):]
		if p.seq != 0 && seq != p.seq {
			return fmt.Errorf("%w: sequence %d, want %d", ErrLinkFormat, seq, p.seq)
		}
		if flags&unix.NLM_F_DUMP_INTR != 0 {
			p.intr = true
		}
		switch typ {
		case unix.NLMSG_DONE:
			p.done = true
			// DONE carries the dump's own error, if it failed midway.
			if len(msg) >= 4 {
				if e := int32(ne.Uint32(msg)); e < 0 {
					return fmt.Errorf("link dump: %w", unix.Errno(-e))
				}
			}
		case unix.NLMSG_ERROR:
			if len(msg) < 4 {
				return fmt.Errorf("%w: netlink error message of %d bytes", ErrLinkFormat, len(msg))
			}
			if e := int32(ne.Uint32(msg)); e < 0 {
				return fmt.Errorf("link dump: %w", unix.Errno(-e))
			}
			return fmt.Errorf("%w: an acknowledgement in a dump", ErrLinkFormat)
		case unix.RTM_NEWLINK:
			if err := p.link(msg); err != nil {
				return err
			}
		}
	}
	return nil
}

// link parses one RTM_NEWLINK payload onto the end of p.dst.
func (p *linkParser) link(msg []byte) error {
	ne := binary.NativeEndian
	if len(msg) < ifinfomsgLen {
		return fmt.Errorf("%w: link message of %d bytes", ErrLinkFormat, len(msg))
	}
	p.dst = append(p.dst, Link{})
	l := &p.dst[len(p.dst)-1]
	l.Type, l.Index, l.Flags = ne.Uint16(msg[2:]), int32(ne.Uint32(msg[4:])), ne.Uint32(msg[8:])
	attrs := msg[ifinfomsgLen:]
	for len(attrs) > 0 {
		if len(attrs) < unix.SizeofRtAttr {
			return fmt.Errorf("%w: link %d: %d bytes left, less than an attribute header", ErrLinkFormat, l.Index, len(attrs))
		}
		n := int(ne.Uint16(attrs))
		if n < unix.SizeofRtAttr || n > len(attrs) {
			return fmt.Errorf("%w: link %d: attribute length %d of %d bytes", ErrLinkFormat, l.Index, n, len(attrs))
		}
		typ, v := ne.Uint16(attrs[2:])&nlaTypeMask, attrs[unix.SizeofRtAttr:n]
		attrs = attrs[min((n+unix.RTA_ALIGNTO-1)&^(unix.RTA_ALIGNTO-1), len(attrs)):]
		var u32 *uint32
		var u8 *uint8
		var has LinkAttr
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = p.keep(cString(v))
		case unix.IFLA_IFALIAS:
			l.Alias = p.keep(cString(v))
		case unix.IFLA_ADDRESS, unix.IFLA_BROADCAST:
			if len(v) > maxHWAddr {
				return fmt.Errorf("%w: link %d: hardware address of %d bytes", ErrLinkFormat, l.Index, len(v))
			}
			if typ == unix.IFLA_ADDRESS {
				l.Address = p.keep(v)
			} else {
				l.Broadcast = p.keep(v)
			}
		case unix.IFLA_STATS64:
			l.NStats = min(len(v)/8, LinkStatsLen)
			for i := range l.NStats {
				l.Stats[i] = ne.Uint64(v[8*i:])
			}
		case unix.IFLA_MTU:
			u32, has = &l.MTU, LinkHasMTU
		case unix.IFLA_TXQLEN:
			u32, has = &l.TxQueueLen, LinkHasTxQueueLen
		case unix.IFLA_GROUP:
			u32, has = &l.Group, LinkHasGroup
		case unix.IFLA_PROMISCUITY:
			u32, has = &l.Promiscuity, LinkHasPromiscuity
		case unix.IFLA_ALLMULTI:
			u32, has = &l.Allmulti, LinkHasAllmulti
		case unix.IFLA_CARRIER_CHANGES:
			u32, has = &l.CarrierChanges, LinkHasCarrierChanges
		case unix.IFLA_CARRIER_UP_COUNT:
			u32, has = &l.CarrierUpCount, LinkHasCarrierUpCount
		case unix.IFLA_CARRIER_DOWN_COUNT:
			u32, has = &l.CarrierDownCount, LinkHasCarrierDownCount
		case unix.IFLA_LINK:
			if len(v) < 4 {
				return fmt.Errorf("%w: link %d: attribute %d of %d bytes", ErrLinkFormat, l.Index, typ, len(v))
			}
			l.IfLink, has = int32(ne.Uint32(v)), LinkHasIfLink
		case unix.IFLA_OPERSTATE:
			u8, has = &l.OperState, LinkHasOperState
		case unix.IFLA_LINKMODE:
			u8, has = &l.LinkMode, LinkHasLinkMode
		case unix.IFLA_CARRIER:
			u8, has = &l.Carrier, LinkHasCarrier
		}
		switch {
		case u32 != nil && len(v) < 4, u8 != nil && len(v) < 1:
			return fmt.Errorf("%w: link %d: attribute %d of %d bytes", ErrLinkFormat, l.Index, typ, len(v))
		case u32 != nil:
			*u32 = ne.Uint32(v)
		case u8 != nil:
			*u8 = v[0]
		}
		l.Has |= has
	}
	if len(l.Name) == 0 {
		return fmt.Errorf("%w: link %d has no name", ErrLinkFormat, l.Index)
	}
	return nil
}

// keep copies v into the arena. Growing the arena leaves the links
// before on the old array, which stays theirs.
func (p *linkParser) keep(v []byte) []byte {
	start := len(p.arena)
	p.arena = append(p.arena, v...)
	return p.arena[start:len(p.arena):len(p.arena)]
}

// cString is a NUL-terminated attribute without its NUL.
func cString(v []byte) []byte {
	for i, c := range v {
		if c == 0 {
			return v[:i]
		}
	}
	return v
}
