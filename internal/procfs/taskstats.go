package procfs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The kernel's per-task accounting (taskstats) sends a listener one record
// of every task as it exits: its CPU, I/O and times, final and exact,
// taken in the kernel before the task is gone. Its messages are generic
// netlink: a netlink header, a genl header, and attributes, the struct
// taskstats nested in TASKSTATS_TYPE_AGGR_PID. Everything is in the
// machine's byte order. The layout is include/uapi/linux/taskstats.h: the
// struct is versioned and only grows at its end, so a field is read only
// when the record's version has it and its length reaches it.

// TaskExit is one task's taskstats record at its exit. A multi-threaded
// process sends one per thread; GroupDead marks the last thread's.
type TaskExit struct {
	Version   uint16
	PID, TGID int32 // TGID is 0 before version 12, which added it
	PPID      int32
	Comm      string
	// ExitCode is the wait status, as the connector's.
	ExitCode uint32
	// Begin is the start in seconds since the epoch (whole seconds: the
	// kernel's own rounding), Elapsed the lifetime in microseconds.
	Begin   int64
	Elapsed uint64
	// User and System are the CPU times in microseconds as the tick
	// sampled them (to the tick: 4 ms at 250 Hz), RunReal their sum in
	// nanoseconds. RunVirtual is the scheduler's exact runtime in
	// nanoseconds (sum_exec_runtime, which /proc/PID/stat's utime and
	// stime are scaled to); 0 on a kernel without delay accounting built
	// in.
	User, System uint64
	RunReal      uint64
	RunVirtual   uint64
	// ReadBytes and WriteBytes are the storage I/O, as /proc/PID/io's
	// read_bytes and write_bytes.
	ReadBytes, WriteBytes uint64
	// GroupDead says the message also carried the thread group's
	// aggregate: this was the group's last thread, so the process is gone.
	GroupDead bool
}

// ErrTaskstatsFormat is wrapped by ParseTaskstats for a message it cannot
// read.
var ErrTaskstatsFormat = errors.New("malformed taskstats message")

// Generic netlink and taskstats numbers (linux/genetlink.h, taskstats.h).
const (
	genlHdrLen         = 4
	nlaHdrLen          = 4
	nlaTypeMask        = 0x3fff // without NLA_F_NESTED and NLA_F_NET_BYTEORDER
	taskstatsCmdNew    = 2
	tsTypePID          = 1
	tsTypeTGID         = 2
	tsTypeStats        = 3
	tsTypeAggrPID      = 4
	tsTypeAggrTGID     = 5
	ctrlAttrFamilyID   = 1
	ctrlAttrFamilyName = 2
	ctrlCmdNewFamily   = 1
	genlIDCtrl         = 0x10
	taskstatsMinVer    = 8
	taskstatsV8Len     = 328 // through freepages_delay_total
	taskstatsBtime64   = 344 // ac_btime64, version 10
	taskstatsTGIDOff   = 368 // ac_tgid, version 12
	taskstatsCommOff   = 80
	taskstatsCommLen   = 32
	taskstatsRunReal   = 64
	taskstatsRunVirt   = 72
	taskstatsPIDOff    = 128
	taskstatsPPIDOff   = 132
	taskstatsBtimeOff  = 136
	taskstatsEtime     = 144
	taskstatsUtime     = 152
	taskstatsStime     = 160
	taskstatsReadB     = 248
	taskstatsWriteB    = 256
)

// nlMessages calls fn with the type and payload of each netlink message of
// a datagram; a truncated or inconsistent header is an error.
func nlMessages(b []byte, fn func(typ uint16, msg []byte) error) error {
	ne := binary.NativeEndian
	for len(b) > 0 {
		if len(b) < nlmsgHdrLen {
			return fmt.Errorf("%d bytes left, less than a netlink header", len(b))
		}
		n := int(ne.Uint32(b))
		typ := ne.Uint16(b[4:])
		if n < nlmsgHdrLen || n > len(b) {
			return fmt.Errorf("netlink length %d of %d bytes", n, len(b))
		}
		msg := b[nlmsgHdrLen:n]
		next := min((n+3)&^3, len(b))
		b = b[next:]
		if err := fn(typ, msg); err != nil {
			return err
		}
	}
	return nil
}

// nlAttrs calls fn with the type and payload of each attribute of b.
func nlAttrs(b []byte, fn func(typ uint16, val []byte) error) error {
	ne := binary.NativeEndian
	for len(b) > 0 {
		if len(b) < nlaHdrLen {
			return fmt.Errorf("%d bytes left, less than an attribute header", len(b))
		}
		n := int(ne.Uint16(b))
		if n < nlaHdrLen || n > len(b) {
			return fmt.Errorf("attribute length %d of %d bytes", n, len(b))
		}
		val := b[nlaHdrLen:n]
		typ := ne.Uint16(b[2:]) & nlaTypeMask
		b = b[min((n+3)&^3, len(b)):]
		if err := fn(typ, val); err != nil {
			return err
		}
	}
	return nil
}

// netlinkErrno returns the errno of an NLMSG_ERROR payload (0 for an
// acknowledgement).
func netlinkErrno(msg []byte) (int32, error) {
	if len(msg) < 4 {
		return 0, fmt.Errorf("netlink error message of %d bytes", len(msg))
	}
	return -int32(binary.NativeEndian.Uint32(msg)), nil
}

// ParseTaskstats appends to dst the exit records of one datagram read from
// the taskstats socket, whose generic netlink family is family. Messages
// of other families and attributes it does not know are skipped; a
// truncated or inconsistent message is an error, and the records before it
// are returned with it. A record of a version before 8, whose layout vigia
// does not read, is an error too.
func ParseTaskstats(b []byte, family uint16, dst []TaskExit) ([]TaskExit, error) {
	err := nlMessages(b, func(typ uint16, msg []byte) error {
		if typ == nlmsgError {
			errno, err := netlinkErrno(msg)
			if err != nil {
				return err
			}
			if errno != 0 {
				return fmt.Errorf("netlink error %d", errno)
			}
			return nil
		}
		if typ != family {
			return nil
		}
		if len(msg) < genlHdrLen {
			return fmt.Errorf("%d bytes, less than a genl header", len(msg))
		}
		if msg[0] != taskstatsCmdNew {
			return nil
		}
		var rec TaskExit
		have, dead := false, false
		err := nlAttrs(msg[genlHdrLen:], func(typ uint16, val []byte) error {
			switch typ {
			case tsTypeAggrPID:
				if have {
					return errors.New("two task records in one message")
				}
				var err error
				rec, err = parseAggr(val)
				have = err == nil
				return err
			case tsTypeAggrTGID:
				dead = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		if have {
			rec.GroupDead = dead
			dst = append(dst, rec)
		}
		return nil
	})
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrTaskstatsFormat, err)
	}
	return dst, nil
}

// parseAggr reads a TASKSTATS_TYPE_AGGR_PID: the task's PID and its
// struct taskstats.
func parseAggr(b []byte) (TaskExit, error) {
	var rec TaskExit
	var pid int32
	havePID, haveStats := false, false
	err := nlAttrs(b, func(typ uint16, val []byte) error {
		switch typ {
		case tsTypePID:
			if len(val) < 4 {
				return fmt.Errorf("PID attribute of %d bytes", len(val))
			}
			pid, havePID = int32(binary.NativeEndian.Uint32(val)), true
		case tsTypeStats:
			var err error
			rec, err = parseTaskstatsStruct(val)
			if err != nil {
				return err
			}
			haveStats = true
		}
		return nil
	})
	if err != nil {
		return rec, err
	}
	if !havePID || !haveStats {
		return rec, errors.New("task record without its PID or its stats")
	}
	// The PID attribute is the task's in the listener's namespace, as is
	// ac_pid; they differ only in a malformed message.
	if rec.PID != pid {
		return rec, fmt.Errorf("task record of PID %d carries stats of PID %d", pid, rec.PID)
	}
	return rec, nil
}

// parseTaskstatsStruct reads the fields vigia uses of a struct taskstats.
func parseTaskstatsStruct(b []byte) (TaskExit, error) {
	ne := binary.NativeEndian
	if len(b) < 2 {
		return TaskExit{}, fmt.Errorf("taskstats of %d bytes", len(b))
	}
	rec := TaskExit{Version: ne.Uint16(b)}
	if rec.Version < taskstatsMinVer {
		return rec, fmt.Errorf("taskstats version %d, before %d", rec.Version, taskstatsMinVer)
	}
	if len(b) < taskstatsV8Len {
		return rec, fmt.Errorf("taskstats version %d of %d bytes, less than %d", rec.Version, len(b), taskstatsV8Len)
	}
	rec.ExitCode = ne.Uint32(b[4:])
	rec.RunReal = ne.Uint64(b[taskstatsRunReal:])
	rec.RunVirtual = ne.Uint64(b[taskstatsRunVirt:])
	comm := b[taskstatsCommOff : taskstatsCommOff+taskstatsCommLen]
	for i, c := range comm {
		if c == 0 {
			comm = comm[:i]
			break
		}
	}
	rec.Comm = string(comm)
	rec.PID = int32(ne.Uint32(b[taskstatsPIDOff:]))
	rec.PPID = int32(ne.Uint32(b[taskstatsPPIDOff:]))
	rec.Begin = int64(ne.Uint32(b[taskstatsBtimeOff:]))
	rec.Elapsed = ne.Uint64(b[taskstatsEtime:])
	rec.User = ne.Uint64(b[taskstatsUtime:])
	rec.System = ne.Uint64(b[taskstatsStime:])
	rec.ReadBytes = ne.Uint64(b[taskstatsReadB:])
	rec.WriteBytes = ne.Uint64(b[taskstatsWriteB:])
	// ac_btime is 32 bits; version 10 added a 64-bit copy.
	if rec.Version >= 10 && len(b) >= taskstatsBtime64+8 {
		rec.Begin = int64(ne.Uint64(b[taskstatsBtime64:]))
	}
	if rec.Version >= 12 && len(b) >= taskstatsTGIDOff+4 {
		rec.TGID = int32(ne.Uint32(b[taskstatsTGIDOff:]))
	}
	return rec, nil
}

// ParseGenlFamilyID reads the family id from the answer to a
// CTRL_CMD_GETFAMILY request. An NLMSG_ERROR answer returns its errno
// (negative netlink error, made positive) as the int32.
func ParseGenlFamilyID(b []byte) (id uint16, errno int32, err error) {
	found := false
	err = nlMessages(b, func(typ uint16, msg []byte) error {
		switch typ {
		case nlmsgError:
			e, err := netlinkErrno(msg)
			if err != nil {
				return err
			}
			if e != 0 {
				errno = e
			}
			return nil
		case genlIDCtrl:
		default:
			return nil
		}
		if len(msg) < genlHdrLen {
			return fmt.Errorf("%d bytes, less than a genl header", len(msg))
		}
		if msg[0] != ctrlCmdNewFamily {
			return nil
		}
		return nlAttrs(msg[genlHdrLen:], func(typ uint16, val []byte) error {
			if typ != ctrlAttrFamilyID {
				return nil
			}
			if len(val) < 2 {
				return fmt.Errorf("family id attribute of %d bytes", len(val))
			}
			id, found = binary.NativeEndian.Uint16(val), true
			return nil
		})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrTaskstatsFormat, err)
	}
	if !found && errno == 0 {
		return 0, 0, fmt.Errorf("%w: no family id in the answer", ErrTaskstatsFormat)
	}
	return id, errno, nil
}
