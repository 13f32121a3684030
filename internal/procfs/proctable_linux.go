package procfs

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"
	"unique"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ProcTable walks the process table. It holds a descriptor on the /proc root
// and, with keepfd, one on each process's stat file, and reuses its buffers,
// so a pass over processes it has already seen allocates nothing.
//
// A ProcTable is for one goroutine at a time (a sensor's supervisor); Close
// releases its descriptors.
type ProcTable struct {
	fs       FS
	dirfd    int
	users    *Users
	cgroupV1 string // ProcTableOptions.CgroupV1

	entries map[int32]*ProcEntry
	free    []*ProcEntry
	live    []*ProcEntry
	prev    []*ProcEntry // the last pass's live, visited again when no PID was allocated
	gen     uint64
	passes  int

	watch        bool   // watch idle processes (procwatch_linux.go)
	clock        bool   // through their CPU clocks, not schedstat
	ownNS        bool   // the root is procfs of our PID namespace: loadavg's last PID is its
	lastPID      uint64 // loadavg's last PID at the start of the last pass
	listGen      uint64 // pass that last listed /proc
	refresh      uint64 // this pass reads a watched process in full every refresh passes
	reclaimed    uint64 // /proc/vmstat's reclaim and swap-in counters at the last pass
	reclaimUntil uint64 // passes before this one use the short refresh period
	vmstat       VMStat

	// retry holds the PIDs the last probe found no process at, probed
	// once more: the kernel allocates a PID before the new process is
	// there to read, so a probe can fall between the two.
	retry []uint64
	// probeClock is processCPUTime, or a test's stand-in.
	probeClock func(pid int32) (uint64, bool)
	// gone are the processes this pass found gone (Gone).
	gone []GoneProcess

	dents []byte // getdents64 records
	path  []byte // "<pid>/<file>\x00", relative to dirfd
	buf   []byte // one stat line
	aux   []byte // cmdline, status, meminfo, uptime
	sched []byte // one schedstat line
	auxFD auxHeld
	name  []byte // a PID in decimal, for a pass that does not list /proc

	keep    bool
	maxFDs  int
	held    int
	hz      uint64
	page    uint64
	btime   int64
	memTot  uint64
	uptime  uint64 // centiseconds since boot at the start of this pass
	prevUpt uint64

	forks    uint64 // /proc/stat's processes counter at this pass
	hasForks bool
}

// Buffer sizes: a stat line is well under 1 KiB (comm is at most 64 bytes);
// cmdline is cut at auxSize, which no table row shows in full anyway.
const (
	statBufSize = 4096
	auxSize     = 64 << 10
	dentsSize   = 32 << 10
)

// NewProcTable opens the process table under fs's /proc root. It reads the
// boot time and the clock tick rate once: they do not change while the
// machine runs.
func NewProcTable(fs FS, opts ProcTableOptions) (*ProcTable, error) {
	root := fs.ProcRoot()
	if root == "" {
		return nil, errors.New("procfs: zero FS; build one with NewFS")
	}
	dirfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open procfs root %q: %w", root, err)
	}
	t := &ProcTable{
		fs:       fs,
		dirfd:    dirfd,
		users:    opts.Users,
		cgroupV1: opts.CgroupV1,
		entries:  make(map[int32]*ProcEntry),
		dents:    make([]byte, dentsSize),
		path:     make([]byte, 0, 64),
		buf:      make([]byte, statBufSize),
		aux:      make([]byte, auxSize),
		sched:    make([]byte, 128),
		name:     make([]byte, 0, 16),
		keep:     !opts.NoKeepFD,
		watch:    !opts.NoKeepFD && !opts.NoWatch,
		maxFDs:   opts.MaxFDs,
		hz:       clockTicks(),
		page:     uint64(unix.Getpagesize()),
		auxFD:    newAuxHeld(),
	}
	if t.users == nil {
		t.users = NewUsers(SystemPasswd)
	}
	if t.maxFDs <= 0 {
		t.maxFDs = defaultMaxFDs
		var rl unix.Rlimit
		if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil && rl.Cur/2 < uint64(t.maxFDs) {
			t.maxFDs = int(rl.Cur / 2)
		}
	}
	n, err := t.readRel([]byte("stat\x00"), t.aux)
	if err != nil {
		unix.Close(dirfd)
		return nil, fmt.Errorf("read %s: %w", fs.Proc("stat"), err)
	}
	if t.btime, err = ParseBootTime(t.aux[:n]); err != nil {
		unix.Close(dirfd)
		return nil, fmt.Errorf("%s: %w", fs.Proc("stat"), err)
	}
	t.ownNS = ownNamespace(dirfd, func(path []byte) ([]byte, error) {
		n, err := t.readRel(path, t.aux)
		return t.aux[:n], err
	})
	if t.watch && t.ownNS && !opts.NoClock {
		_, t.clock = processCPUTime(int32(unix.Getpid()))
	}
	return t, nil
}

// ClockTicks returns USER_HZ, the rate of ProcEntry's tick counts.
func (t *ProcTable) ClockTicks() uint64 { return t.hz }

// PageSize returns the size in bytes of the pages RSSPages counts.
func (t *ProcTable) PageSize() uint64 { return t.page }

// BootTime returns when the machine booted, from btime in /proc/stat.
func (t *ProcTable) BootTime() time.Time { return time.Unix(t.btime, 0) }

// StartTime returns the wall-clock start of a process that started ticks
// clock ticks after boot.
func (t *ProcTable) StartTime(ticks uint64) time.Time {
	return bootRelative(t.btime, ticks, t.hz)
}

// MemTotal returns MemTotal in bytes as of the last pass, 0 when /proc/meminfo
// could not be read.
func (t *ProcTable) MemTotal() uint64 { return t.memTot }

// Forks returns /proc/stat's count of forks since boot as of the last
// pass, and false when it could not be read.
func (t *ProcTable) Forks() (uint64, bool) { return t.forks, t.hasForks }

// Gone returns the processes the last Scan found gone: the CPU time the
// table last saw of a process whose exit nothing else accounted for. The
// slice is the table's, valid until the next Scan.
func (t *ProcTable) Gone() []GoneProcess { return t.gone }

// OwnNamespace reports whether the table reads the procfs of vigia's own
// PID namespace, so PIDs from the kernel (process events) name its entries.
func (t *ProcTable) OwnNamespace() bool { return t.ownNS }

// HeldFDs returns how many per-process descriptors (stat or schedstat) the
// table keeps open; a process watched through its CPU clock holds none.
func (t *ProcTable) HeldFDs() int { return t.held }

// Close releases every descriptor the table holds. The table is not usable
// afterwards.
func (t *ProcTable) Close() error {
	for _, e := range t.entries {
		t.release(e)
	}
	t.closeAux()
	if t.dirfd < 0 {
		return nil
	}
	err := unix.Close(t.dirfd)
	t.dirfd = -1
	return err
}

// Scan makes one pass over the process table and returns every process
// read, in the order /proc lists them. The slice and the entries are the
// table's: valid until the next Scan. Processes that vanish while being read
// are left out of this pass without an error; an error means /proc itself
// could not be listed, or ctx ended the pass early.
func (t *ProcTable) Scan(ctx context.Context) ([]*ProcEntry, error) {
	if t.dirfd < 0 {
		return nil, errors.New("procfs: process table used after Close")
	}
	t.gen++
	t.prevUpt = t.uptime
	t.uptime = 0
	if n, err := t.readAux(auxUptime); err == nil {
		t.uptime, _ = ParseUptime(t.aux[:n])
	}
	if n, err := t.readAux(auxMeminfo); err == nil {
		if v, err := ParseMemTotal(t.aux[:n]); err == nil {
			t.memTot = v
		}
	}
	t.hasForks = false
	if n, err := t.readAux(auxStat); err == nil {
		t.forks, err = ParseForks(t.aux[:n])
		t.hasForks = err == nil
	}
	if err := ctx.Err(); err != nil {
		t.passes = 0
		return nil, err
	}
	t.prev, t.live = t.live, t.prev[:0]
	if t.watch {
		t.refreshPeriod()
	}
	var seen int
	var err error
	if from, to, ok := t.reuseListing(); ok {
		seen, err = t.revisit(ctx)
		if err == nil && (to > from || len(t.retry) > 0) {
			var born int
			born, err = t.probe(ctx, from, to)
			seen += born
		}
	} else {
		t.retry = t.retry[:0]
		seen, err = t.list(ctx)
	}
	if err != nil {
		// A partial pass would mix intervals in PrevTicks; the next pass
		// starts over as a first pass.
		t.passes = 0
		return nil, err
	}
	t.gone = t.gone[:0]
	if seen != len(t.entries) {
		for pid, e := range t.entries {
			if e.seen != t.gen {
				t.gone = append(t.gone, GoneProcess{PID: e.PID, StartTicks: e.StartTicks, Ticks: e.Ticks})
				t.release(e)
				delete(t.entries, pid)
				t.recycle(e)
			}
		}
	}
	if t.watch {
		t.reparented()
	}
	t.passes++
	return t.live, nil
}

// list visits every process /proc lists, and returns how many it read.
func (t *ProcTable) list(ctx context.Context) (int, error) {
	if _, err := unix.Seek(t.dirfd, 0, 0); err != nil {
		return 0, fmt.Errorf("rewind %s: %w", t.fs.ProcRoot(), err)
	}
	t.listGen = t.gen
	seen, visited := 0, 0
	for {
		n, err := unix.Getdents(t.dirfd, t.dents)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", t.fs.ProcRoot(), err)
		}
		if n <= 0 {
			return seen, nil
		}
		cancelled := false
		eachDirent(t.dents[:n], func(_ byte, name []byte) {
			pid, ok := parseDecimal(name)
			if cancelled || !ok || pid == 0 || pid > 1<<31-1 {
				return
			}
			if t.visit(int32(pid), name, t.entries[int32(pid)]) {
				seen++
			}
			if visited++; visited%256 == 0 && ctx.Err() != nil {
				cancelled = true
			}
		})
		if cancelled {
			return 0, ctx.Err()
		}
	}
}

// revisit visits the processes the last pass read, in the same order,
// without listing /proc: no PID was allocated since, so there is no new one.
func (t *ProcTable) revisit(ctx context.Context) (int, error) {
	seen := 0
	for i, e := range t.prev {
		t.name = strconv.AppendInt(t.name[:0], int64(e.PID), 10)
		if t.visit(e.PID, t.name, e) {
			seen++
		}
		if (i+1)%256 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return seen, nil
}

// probe visits the processes whose PIDs are in (from, to], allocated since
// the last pass: most have exited again (a build's compilers) or are threads,
// and the CPU clock, which only a live thread-group leader has, tells them
// apart in one system call without a path walk. One thread is the
// exception: the kernel lets a thread read the process clock of its own TID
// (posix-cpu-timers' pid_for_clock), so a probe on a thread the Go runtime
// started since the last pass would take that thread of ours for a process.
// The probe keeps to one thread and skips its TID. The PIDs the last probe
// met no process at are probed first, once more (retry).
func (t *ProcTable) probe(ctx context.Context, from, to uint64) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self := uint64(unix.Gettid())
	if self == uint64(unix.Getpid()) {
		self = 0 // the thread-group leader is the process itself
	}
	clock := t.probeClock
	if clock == nil {
		clock = processCPUTime
	}
	seen := 0
	// found visits pid if its CPU clock says a process leads it there.
	found := func(pid uint64) bool {
		if pid == self {
			return true
		}
		if _, ok := clock(int32(pid)); !ok {
			return false
		}
		t.name = strconv.AppendUint(t.name[:0], pid, 10)
		if t.visit(int32(pid), t.name, t.entries[int32(pid)]) {
			seen++
		}
		return true
	}
	for _, pid := range t.retry {
		found(pid)
	}
	t.retry = t.retry[:0]
	for pid := from + 1; pid <= to; pid++ {
		// A process still being created was allocated last: the last
		// PIDs of the range are the ones worth a second look.
		if !found(pid) && to-pid < probeMin {
			t.retry = append(t.retry, pid)
		}
		if (pid-from)%256 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return seen, nil
}

// visit reads one process, e its entry (nil for a new one); it returns false
// when the process could not be read (it vanished, or its stat is garbage)
// and is left out of this pass.
func (t *ProcTable) visit(pid int32, name []byte, e *ProcEntry) bool {
	if e != nil && e.seen == t.gen {
		return false // listed twice while processes churned
	}
	fresh := e == nil
	if fresh {
		if k := len(t.free); k > 0 {
			e = t.free[k-1]
			t.free = t.free[:k-1]
		} else {
			e = new(ProcEntry)
		}
		e.PID, e.fd = pid, -1
	}
	watchFD := -1
	if !fresh {
		if e.watched {
			if t.checkWatched(e) == stepIdle {
				t.keepIdle(e)
				return true
			}
		} else if t.watchable(e) {
			watchFD = t.openWatch(e, name)
		}
	}
	n, err := t.readStat(e, name)
	var st PIDStat
	if err == nil {
		st, err = ParsePIDStat(t.buf[:n])
		if err == nil && st.PID != pid {
			err = ErrStatFormat
		}
	}
	if err != nil {
		// Vanished (ENOENT, ESRCH, empty read) or unreadable: skip it this
		// pass. A known entry left unseen is swept at the end of the pass.
		if watchFD >= 0 {
			unix.Close(watchFD)
		}
		if fresh {
			t.release(e)
			t.recycle(e)
		}
		return false
	}
	ticks := st.UTime + st.STime
	ran := fresh || ticks != e.Ticks || e.StartTicks != st.StartTicks
	if fresh || e.StartTicks != st.StartTicks {
		// A new process, or a reused PID.
		startCentis := st.StartTicks * 100 / t.hz
		e.HasPrev = t.passes > 0 && t.prevUpt > 0 && startCentis >= t.prevUpt
		e.PrevTicks, e.PrevChildTicks = 0, 0
		e.IORead, e.IOWrite, e.IOState = 0, 0, IONone
		e.StartTicks = st.StartTicks
		e.Comm = intern(string(st.Comm))
		t.identify(e, name)
	} else {
		e.HasPrev = t.passes > 0
		e.PrevTicks, e.PrevChildTicks = e.Ticks, e.ChildTicks
		if string(st.Comm) != e.Comm {
			// comm changes on exec, and so may the command line and user.
			e.Comm = intern(string(st.Comm))
			t.identify(e, name)
		}
	}
	e.Ticks = ticks
	e.ChildTicks = st.CUTime + st.CSTime
	e.PPID = st.PPID
	e.State = st.State
	e.Threads = st.Threads
	e.RSSPages = st.RSSPages
	e.seen, e.readGen = t.gen, t.gen
	switch {
	case ran:
		e.idle = 0
	case e.idle < 255:
		e.idle++
	}
	if watchFD != -1 {
		t.commitWatch(e, watchFD, ran)
	}
	if fresh {
		t.entries[pid] = e
	}
	t.live = append(t.live, e)
	return true
}

// maxFree bounds the entries kept for reuse: enough to absorb a build's
// churn of short-lived processes without allocating, without holding on to
// thousands after a mass exit.
const maxFree = 1024

// recycle keeps e for a later new process, its strings dropped.
func (t *ProcTable) recycle(e *ProcEntry) {
	if len(t.free) < maxFree {
		*e = ProcEntry{fd: -1}
		t.free = append(t.free, e)
	}
}

// identify reads what does not change without an exec: the command line,
// the cgroup and the effective uid, and names the uid.
func (t *ProcTable) identify(e *ProcEntry, name []byte) {
	e.Cmdline = "[" + e.Comm + "]"
	if n, err := t.readRel(t.relPath(name, "cmdline"), t.aux); err == nil {
		e.Cmdline = FormatCmdline(t.aux[:n], e.Comm)
	}
	e.Cmdline = intern(e.Cmdline)
	e.Cgroup = ""
	if n, err := t.readRel(t.relPath(name, "cgroup"), t.aux); err == nil {
		if t.cgroupV1 != "" {
			e.Cgroup, _ = ParseSelfCgroupV1(t.aux[:n], t.cgroupV1)
		} else {
			e.Cgroup, _ = ParseSelfCgroup(t.aux[:n])
		}
		e.Cgroup = intern(e.Cgroup)
	}
	var status []byte
	if n, err := t.readRel(t.relPath(name, "status"), t.aux); err == nil {
		status = t.aux[:n]
	}
	e.UID, e.User = processUser(t.users, status, func() (uint32, bool) {
		var st unix.Stat_t
		err := unix.Fstatat(t.dirfd, string(name), &st, 0)
		return st.Uid, err == nil
	})
}

// intern returns s as one copy shared by every entry that has the same
// text. A machine's processes repeat their names, command lines and above
// all cgroup paths (thousands of workers of a few services): at 10,084
// processes the table kept 47 bytes a process of cgroup paths alone
// (BenchmarkProcessesLiveHeap). No handle is kept, so the shared copy is
// dropped with its last entry; one made after a collection may be a second
// copy, which costs only what not interning would.
func intern(s string) string {
	return unique.Make(s).Value()
}

// readStat reads the process's stat line into t.buf: a pread of the held
// descriptor when there is one, else open, read and (unless it can be kept)
// close.
func (t *ProcTable) readStat(e *ProcEntry, name []byte) (int, error) {
	if e.watched {
		// Held is its schedstat, or nothing (the clock): stat is read
		// through the path and closed.
		fd, err := t.openat(t.relPath(name, "stat"))
		if err != nil {
			return 0, err
		}
		n, err := readFD(fd, t.buf)
		unix.Close(fd)
		if err == nil && (n == 0 || n >= len(t.buf)) {
			err = ErrStatFormat
		}
		return n, err
	}
	if e.fd >= 0 {
		n, err := unix.Pread(int(e.fd), t.buf, 0)
		if err == nil && n > 0 && n < len(t.buf) {
			return n, nil
		}
		// ESRCH: the process we held is gone; the PID may now be another
		// process, so read it afresh through its path.
		t.release(e)
	}
	fd, err := t.openat(t.relPath(name, "stat"))
	if err != nil {
		return 0, err
	}
	n, err := readFD(fd, t.buf)
	if err != nil || n == 0 || n >= len(t.buf) {
		unix.Close(fd)
		if err == nil {
			err = ErrStatFormat
		}
		return 0, err
	}
	if t.keep && t.held < t.maxFDs {
		e.fd = int32(fd)
		t.held++
	} else {
		unix.Close(fd)
	}
	return n, nil
}

// shed lowers the cap after the process ran out of descriptors and gives a
// quarter of the held ones back, so the rest of vigia (and this walk's
// open/read/close fallback) can open files again.
func (t *ProcTable) shed() {
	t.maxFDs = t.held * 3 / 4
	for _, e := range t.entries {
		if t.held <= t.maxFDs {
			break
		}
		t.release(e)
	}
}

func (t *ProcTable) release(e *ProcEntry) {
	if e.fd >= 0 {
		unix.Close(int(e.fd))
		e.fd = -1
		e.watched = false
		t.held--
	}
}

// relPath builds "<pid>/<file>\x00" in the reused path buffer.
func (t *ProcTable) relPath(pid []byte, file string) []byte {
	p := append(t.path[:0], pid...)
	p = append(p, '/')
	p = append(p, file...)
	p = append(p, 0)
	t.path = p
	return p
}

// openat opens a NUL-terminated path relative to the /proc descriptor with a
// raw system call: os.Open would cost five more system calls (fcntl,
// epoll registration) and an allocation per file. Out of descriptors, it
// gives some held ones back and tries once more.
func (t *ProcTable) openat(path []byte) (int, error) {
	fd, err := t.rawOpenat(path)
	if (err == unix.EMFILE || err == unix.ENFILE) && t.held > 0 {
		t.shed()
		fd, err = t.rawOpenat(path)
	}
	return fd, err
}

func (t *ProcTable) rawOpenat(path []byte) (int, error) {
	for {
		r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(t.dirfd), uintptr(unsafe.Pointer(&path[0])),
			uintptr(unix.O_RDONLY|unix.O_CLOEXEC), 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return -1, e
		}
		return int(r), nil
	}
}

// readRel reads a whole small file relative to the /proc descriptor into buf.
func (t *ProcTable) readRel(path []byte, buf []byte) (int, error) {
	fd, err := t.openat(path)
	if err != nil {
		return 0, err
	}
	n, err := readFD(fd, buf)
	unix.Close(fd)
	return n, err
}

// readFD reads until end of file or a full buffer. A kernel file answers in
// one read when it fits, so the loop usually costs one extra read only for
// files larger than a page (cmdline, status).
func readFD(fd int, buf []byte) (int, error) {
	return readWhole(buf, func(p []byte, _ int) (int, error) { return unix.Read(fd, p) })
}

// preadFD is readFD from offset 0 of a held descriptor.
func preadFD(fd int, buf []byte) (int, error) {
	return readWhole(buf, func(p []byte, off int) (int, error) { return unix.Pread(fd, p, int64(off)) })
}

// readWhole is readFD's loop over read, given where the next byte is.
func readWhole(buf []byte, read func(p []byte, off int) (int, error)) (int, error) {
	total := 0
	for total < len(buf) {
		n, err := read(buf[total:], total)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return total, err
		}
		if n == 0 {
			break
		}
		total += n
		if n < 4096 && total < len(buf) {
			// Kernel seq files hand over everything that fits in one page at
			// once; a short read is the end.
			break
		}
	}
	if total == 0 {
		return 0, unix.ESRCH
	}
	return total, nil
}
