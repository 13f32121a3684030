package procfs

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Offsets in a connector datagram of a struct proc_event's fields: the
// netlink and connector headers, then what, cpu and the timestamp, then the
// event's data (cn_proc.h).
const (
	evWhatOff  = nlmsgHdrLen + cnMsgLen
	evDataOff  = evWhatOff + procEvHdrLen
	evForkPID  = evDataOff + 8 // child_pid, after parent_pid and parent_tgid
	evForkTGID = evDataOff + 12
	evProcPID  = evDataOff // process_pid of an exec or an exit
	evProcTGID = evDataOff + 4
)

// processEventsFilter is a classic BPF socket filter that lets through only
// what ParseProcEvents' callers use: forks, execs and exits of processes
// (not of threads: a child or process PID equal to its TGID), and the
// answer to the listen request. Everything else — a thread started or
// ended, a uid, sid, comm or ptrace change — is dropped by the kernel
// before it wakes the listener. Threads alone are about half the events of
// a machine running builds (docs/PERFORMANCE.md), and each event the
// listener reads costs it a wake-up.
//
// A filter's absolute loads read the packet big-endian; the connector
// writes it in the machine's byte order, so the kinds are compared as the
// filter will read them. PID against TGID needs no swap: both are loaded
// the same way. A load past the end of a short datagram drops it.
func processEventsFilter() []unix.SockFilter {
	asLoaded := func(k ProcEventKind) uint32 {
		var b [4]byte
		binary.NativeEndian.PutUint32(b[:], uint32(k))
		return binary.BigEndian.Uint32(b[:])
	}
	const (
		ldw    = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jeqX   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_X
		tax    = unix.BPF_MISC | unix.BPF_TAX
		ret    = unix.BPF_RET | unix.BPF_K
		accept = 0xffffffff // the whole datagram
	)
	// Jump offsets count the instructions skipped; the comments number them.
	return []unix.SockFilter{
		/* 0 */ {Code: ldw, K: evWhatOff},
		/* 1 */ {Code: jeqK, Jt: 3, Jf: 0, K: asLoaded(ProcEventFork)}, // to 5
		/* 2 */ {Code: jeqK, Jt: 6, Jf: 0, K: asLoaded(ProcEventExec)}, // to 9
		/* 3 */ {Code: jeqK, Jt: 5, Jf: 0, K: asLoaded(ProcEventExit)}, // to 9
		/* 4 */ {Code: jeqK, Jt: 8, Jf: 9, K: asLoaded(ProcEventNone)}, // 13 or 14
		/* 5 */ {Code: ldw, K: evForkTGID},
		/* 6 */ {Code: tax},
		/* 7 */ {Code: ldw, K: evForkPID},
		/* 8 */ {Code: jeqX, Jt: 4, Jf: 5}, // 13 or 14
		/* 9 */ {Code: ldw, K: evProcTGID},
		/* 10 */ {Code: tax},
		/* 11 */ {Code: ldw, K: evProcPID},
		/* 12 */ {Code: jeqX, Jt: 0, Jf: 1}, // 13 or 14
		/* 13 */ {Code: ret, K: accept},
		/* 14 */ {Code: ret, K: 0},
	}
}

// filterProcessEvents attaches processEventsFilter to the connector socket
// fd. A kernel that refuses it still delivers every event, which the
// readers skip as before, so a failure only costs wake-ups.
func filterProcessEvents(fd int) error {
	prog := processEventsFilter()
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
		&unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]})
}
