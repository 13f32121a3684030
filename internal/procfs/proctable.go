package procfs

import (
	"time"

	"golang.org/x/sys/unix"
)

// GoneProcess is a process that the last pass found gone, as the pass
// before it read it.
type GoneProcess struct {
	PID        int32
	StartTicks uint64 // start time in clock ticks after boot
	Ticks      uint64 // utime+stime in clock ticks at its last pass
}

// ProcEntry is one process as the last pass of a ProcTable saw it. Its
// identity is (PID, StartTicks): a reused PID with another start time is a
// new process, whose cmdline and user are read afresh.
//
// Entries belong to the table and are updated in place by each pass: read
// them between passes, never keep a pointer across one. The strings may be
// kept; they are never modified.
type ProcEntry struct {
	PID     int32
	PPID    int32
	UID     uint32 // effective uid
	Threads int32
	Comm    string
	Cmdline string // "[comm]" for kernel threads and zombies
	User    string
	// Cgroup is the cgroup v2 path of /proc/PID/cgroup ("/system.slice/x.service"),
	// or that of the v1 hierarchy ProcTableOptions.CgroupV1 names, read
	// with the command line: when the process is new or execs. A process
	// moved to another group without an exec keeps its old path until
	// then; "" where the file has no such entry or cannot be read.
	Cgroup     string
	StartTicks uint64 // start time in clock ticks after boot
	RSSPages   uint64
	// Ticks is utime+stime in clock ticks at this pass; PrevTicks is its value
	// at the previous pass. HasPrev says PrevTicks is good for a rate over the
	// interval between the two passes: false on a table's first pass, and for
	// a process that is new but may have been running before the previous
	// pass. A process started since the previous pass has HasPrev with
	// PrevTicks 0, so a short burst still shows its CPU.
	Ticks     uint64
	PrevTicks uint64
	// ChildTicks is cutime+cstime: the CPU of children (and theirs) that
	// exited and were waited for. PrevChildTicks is its value at the
	// previous pass, under the same HasPrev, so a shell that runs many
	// short jobs between two passes shows their work.
	ChildTicks     uint64
	PrevChildTicks uint64
	// IORead and IOWrite are the storage counters (read_bytes,
	// write_bytes) the table's user last read with ReadIO and kept here,
	// under IOState, so that a sample lives and dies with its process:
	// the table clears them for a new process and for a reused PID.
	IORead, IOWrite uint64
	State           byte
	HasPrev         bool
	IOState         IOState

	// The fields are in this order so the entry packs into 192 bytes, the
	// allocator's size class it had before the I/O sample moved in.
	fd      int32 // held descriptor (keepfd), -1 for none
	watched bool  // idle: its CPU clock, or the schedstat held in fd, says whether it ran
	noWatch bool  // its schedstat could not be opened or says nothing
	idle    uint8 // passes in a row in which it did not run, capped
	seen    uint64
	readGen uint64 // pass that last read its stat
	// runtime and slices are the schedstat (runtime alone: the CPU clock)
	// at the last pass while watched.
	runtime, slices uint64
}

// IOState says what ProcEntry.IORead and IOWrite hold.
type IOState uint8

const (
	IONone       IOState = iota // no sample yet
	IOSampled                   // the counters at the last read
	IOUnreadable                // another user's process, read without privilege: not worth asking again
)

// ProcTableOptions tunes a ProcTable. The zero value is the default.
type ProcTableOptions struct {
	// MaxFDs caps the descriptors kept open across passes (one per process
	// not watched through its CPU clock: its stat or, while it is idle, its
	// schedstat) so each pass costs one pread per process. 0 means min(4096,
	// RLIMIT_NOFILE/2); beyond the cap, or when the process runs out of
	// descriptors, the table opens, reads and closes instead: still correct,
	// only slower.
	MaxFDs int
	// NoKeepFD opens, reads and closes stat on every pass, holding no
	// descriptors.
	NoKeepFD bool
	// NoWatch reads every process's stat on every pass, even one that has
	// not run since the last (see watchIdle); for measuring what watching
	// saves.
	NoWatch bool
	// NoClock watches idle processes through schedstat even where their
	// CPU clocks could be read; for measuring what the clocks save.
	NoClock bool
	// Users names uids; nil means a cache over SystemPasswd.
	Users *Users
	// CgroupV1 names the v1 controller whose hierarchy a process's Cgroup
	// is read from ("memory"), on a host whose groups are v1's (the cgroups
	// sensor walks them); "" reads the v2 path.
	CgroupV1 string
}

// defaultMaxFDs bounds kernel memory: each held stat descriptor pins about
// 4.4 KB of kernel slab.
const defaultMaxFDs = 4096

// clockTicks returns USER_HZ, the unit of the times in /proc/PID/stat, from
// the auxiliary vector; 100 is what every Linux architecture uses when the
// vector does not say.
func clockTicks() uint64 {
	const atClkTck = 17
	if auxv, err := unix.Auxv(); err == nil {
		for _, kv := range auxv {
			if kv[0] == atClkTck && kv[1] > 0 {
				return uint64(kv[1])
			}
		}
	}
	return 100
}

// bootRelative turns a start time in clock ticks after boot into wall-clock
// time. btime moves with wall-clock steps, so a start time is only as right
// as the clock was at boot; that is what ps shows too.
func bootRelative(btime int64, ticks, hz uint64) time.Time {
	sec := ticks / hz
	nsec := (ticks % hz) * uint64(time.Second) / hz
	return time.Unix(btime+int64(sec), int64(nsec))
}
