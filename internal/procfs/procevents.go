package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The kernel's process-events connector (NETLINK_CONNECTOR, CN_IDX_PROC)
// tells a listener of every fork, exec and exit as it happens, so a process
// that lives less than one pass of the table is still seen. Its messages
// are a netlink header, a connector header and one struct proc_event, all
// in the machine's byte order (include/uapi/linux/cn_proc.h).

// ProcEventKind is the what of a proc_event.
type ProcEventKind uint32

// The kinds vigia uses; the connector has more (uid, sid, ptrace, comm,
// coredump), which ParseProcEvents skips.
const (
	ProcEventNone ProcEventKind = 0 // the answer to a listen request
	ProcEventFork ProcEventKind = 1
	ProcEventExec ProcEventKind = 2
	ProcEventExit ProcEventKind = 0x80000000
)

// ProcEvent is one fork, exec or exit. For a fork, PID and TGID are the
// child's and ParentPID and ParentTGID the forking task's; for an exec,
// only PID and TGID are set; for an exit, ExitCode is the wait status
// (the killing signal in the low 7 bits, 0x80 for a core dump, the exit
// status above) and the parent is set on kernels since 4.18. A thread has
// PID != TGID. Err is the listen request's answer for ProcEventNone.
type ProcEvent struct {
	Kind       ProcEventKind
	Nanos      uint64 // monotonic nanoseconds since boot
	PID, TGID  int32
	ParentPID  int32
	ParentTGID int32
	ExitCode   uint32
	ExitSignal uint32 // the signal the parent gets, SIGCHLD as a rule
	Err        uint32
}

// ErrProcEventFormat is wrapped by ParseProcEvents for a datagram it cannot
// read.
var ErrProcEventFormat = errors.New("malformed process event")

const (
	nlmsgHdrLen  = 16
	cnMsgLen     = 20
	procEvHdrLen = 16
	cnIdxProc    = 1
	cnValProc    = 1
	nlmsgDone    = 3
	nlmsgError   = 2
)

// ParseProcEvents appends to dst the events of one datagram read from the
// connector socket. Messages of another connector, and kinds it does not
// know, are skipped; a truncated or inconsistent message is an error, and
// the events before it are returned with it.
func ParseProcEvents(b []byte, dst []ProcEvent) ([]ProcEvent, error) {
	ne := binary.NativeEndian
	for len(b) > 0 {
		if len(b) < nlmsgHdrLen {
			return dst, fmt.Errorf("%w: %d bytes left, less than a netlink header", ErrProcEventFormat, len(b))
		}
		n := int(ne.Uint32(b))
		typ := ne.Uint16(b[4:])
		if n < nlmsgHdrLen || n > len(b) {
			return dst, fmt.Errorf("%w: netlink length %d of %d bytes", ErrProcEventFormat, n, len(b))
		}
		msg := b[nlmsgHdrLen:n]
		// Messages are padded to 4 bytes; the last one may not be.
		next := (n + 3) &^ 3
		if next > len(b) {
			next = len(b)
		}
		b = b[next:]
		if typ == nlmsgError {
			return dst, fmt.Errorf("%w: netlink error message", ErrProcEventFormat)
		}
		if typ != nlmsgDone || len(msg) < cnMsgLen {
			continue
		}
		if ne.Uint32(msg) != cnIdxProc || ne.Uint32(msg[4:]) != cnValProc {
			continue
		}
		dlen := int(ne.Uint16(msg[16:]))
		data := msg[cnMsgLen:]
		if dlen > len(data) {
			return dst, fmt.Errorf("%w: connector length %d of %d bytes", ErrProcEventFormat, dlen, len(data))
		}
		data = data[:dlen]
		if len(data) < procEvHdrLen {
			return dst, fmt.Errorf("%w: %d bytes, less than an event header", ErrProcEventFormat, len(data))
		}
		ev := ProcEvent{Kind: ProcEventKind(ne.Uint32(data)), Nanos: ne.Uint64(data[8:])}
		d := data[procEvHdrLen:]
		u := func(i int) uint32 { return ne.Uint32(d[4*i:]) }
		need := 0
		switch ev.Kind {
		case ProcEventNone:
			need = 1
		case ProcEventFork:
			need = 4
		case ProcEventExec:
			need = 2
		case ProcEventExit:
			need = 4 // the parent fields came in 4.18
		default:
			continue
		}
		if len(d) < 4*need {
			return dst, fmt.Errorf("%w: event %#x of %d bytes", ErrProcEventFormat, uint32(ev.Kind), len(d))
		}
		switch ev.Kind {
		case ProcEventNone:
			ev.Err = u(0)
		case ProcEventFork:
			ev.ParentPID, ev.ParentTGID = int32(u(0)), int32(u(1))
			ev.PID, ev.TGID = int32(u(2)), int32(u(3))
		case ProcEventExec:
			ev.PID, ev.TGID = int32(u(0)), int32(u(1))
		case ProcEventExit:
			ev.PID, ev.TGID = int32(u(0)), int32(u(1))
			ev.ExitCode, ev.ExitSignal = u(2), u(3)
			if len(d) >= 24 {
				ev.ParentPID, ev.ParentTGID = int32(u(4)), int32(u(5))
			}
		}
		dst = append(dst, ev)
	}
	return dst, nil
}
