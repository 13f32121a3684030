package procfs

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// Watching idle processes. On a quiet machine most processes have not run
// since the last pass, and for those stat cannot have changed in any way a
// table shows: CPU time, state, threads and comm all move only when the task
// runs. So an idle process is watched: each pass asks only whether it ran,
// and reads its stat only when it did. Two sources say so:
//
//   - the process's CPU clock (processCPUTime), where the table reads the
//     procfs of its own PID namespace: one system call with no descriptor,
//     counting every thread, so any idle process can be watched and holds
//     nothing open (each held descriptor pins kernel memory);
//   - otherwise /proc/PID/schedstat, held open (a pread of it costs less
//     than one of stat), whose run time and slice count move with every
//     stint on a CPU. It speaks for the thread-group leader only, so a
//     process with more than one thread is not watched through it, and a
//     kernel without schedstats prints zeros: such a process is not watched.
//
// Three things can change without the task running, and are caught:
//   - its parent exits and it is re-parented: a watched process whose
//     parent is gone, a zombie or younger than itself is read again at the
//     end of the pass;
//   - reclaim or swap-in changes its RSS: while /proc/vmstat's reclaim and
//     swap-in counters move (a cgroup's reclaim included: VMStat.Reclaimed),
//     every watched process is read in full every refreshReclaim passes,
//     staggered by PID so no pass pays for all;
//   - rarer causes (a truncated mapping, another process writing its comm)
//     are bounded by a full read every refreshQuiet passes.
const (
	// watchAfter is how many passes in a row a process must be idle before
	// it is watched: one that runs every other second is cheaper read.
	watchAfter = 2
	// refreshReclaim bounds how stale a watched process's RSS can get while
	// the kernel reclaims or swaps in memory, in passes: 5 s at the default
	// interval.
	refreshReclaim = 5
	// refreshQuiet is the bound when it does not: 3 minutes at the
	// dashboard's 1 s, 6 at the agent's 2 s. Nothing common changes an idle
	// process, and a full read costs an open, a read and a close where the
	// clock is one call: at 60 passes those reads were 17 a second at
	// 1,000 processes, 4.6 % of `vigia top`'s CPU (perf).
	refreshQuiet = 180
	// listEvery bounds how many passes may reuse the previous listing of
	// /proc even when no PID was allocated, so a PID counter that wrapped
	// exactly around between two passes cannot hide a process for long. A
	// listing is the dearest part of a pass (the kernel makes a dentry for
	// every process: ~3 ms at 1,000 processes here); at 10 it was 4–5 % of
	// `vigia top`'s CPU, at 30 still 2 %. Such a wrap takes about pid_max
	// allocations between two passes (32,768 by default, 4,194,304 where
	// systemd raises it); fewer that wrap leave the last PID below the one
	// before, and a listing follows. (A PID
	// the probe met before its process was there is probed again at the
	// next pass: ProcTable.retry.)
	listEvery = 120
	// probeMin is the fewest PIDs allocated since the last pass that are
	// probed instead of listing /proc, however few processes there are.
	probeMin = 64
)

// watchStep is what a watched process needs this pass.
type watchStep uint8

const (
	stepRead watchStep = iota // read stat (the process ran, or is not watched)
	stepIdle                  // keep what the last pass read
)

// watchable says whether e, read in full by an earlier pass, may be watched
// from this pass on.
func (t *ProcTable) watchable(e *ProcEntry) bool {
	if !t.watch || e.watched || e.noWatch || e.idle < watchAfter {
		return false
	}
	return t.clock || (e.Threads == 1 && (e.fd >= 0 || t.held < t.maxFDs))
}

// checkWatched reads a watched process's schedstat and says whether its stat
// needs reading. A process that ran stops being watched.
func (t *ProcTable) checkWatched(e *ProcEntry) watchStep {
	if t.clock {
		rt, ok := processCPUTime(e.PID)
		if !ok || rt != e.runtime {
			// Ran, or gone: the stat read through its path finds out.
			e.idle = 0
			e.watched = false
			return stepRead
		}
		return t.refreshStep(e)
	}
	n, err := unix.Pread(int(e.fd), t.sched, 0)
	if err != nil || n <= 0 || n >= len(t.sched) {
		// ESRCH: gone; the stat read through its path finds out for sure.
		t.release(e)
		return stepRead
	}
	rt, sl, err := ParseSchedstat(t.sched[:n])
	if err != nil || (rt == 0 && sl == 0) {
		e.noWatch = true
		t.release(e)
		return stepRead
	}
	if rt != e.runtime || sl != e.slices {
		e.idle = 0
		t.release(e)
		return stepRead
	}
	return t.refreshStep(e)
}

// refreshStep says whether this is the pass that reads an idle watched
// process in full anyway.
func (t *ProcTable) refreshStep(e *ProcEntry) watchStep {
	if (t.gen+uint64(e.PID))%t.refresh == 0 {
		return stepRead // stays watched; stat through its path
	}
	return stepIdle
}

// openWatch samples e's CPU clock, or opens and reads its schedstat, before
// its stat is read, so that anything it runs after this stat read shows in
// the next pass's sample. It returns the schedstat descriptor (clockWatch
// for the clock), or -1 when the process cannot be watched.
func (t *ProcTable) openWatch(e *ProcEntry, name []byte) int {
	if t.clock {
		rt, ok := processCPUTime(e.PID)
		if !ok {
			return -1 // gone; the stat read says so
		}
		e.runtime, e.slices = rt, 0
		return clockWatch
	}
	fd, err := t.openat(t.relPath(name, "schedstat"))
	if err != nil {
		e.noWatch = true
		return -1
	}
	n, err := unix.Pread(fd, t.sched, 0)
	if err == nil && n > 0 && n < len(t.sched) {
		e.runtime, e.slices, err = ParseSchedstat(t.sched[:n])
	}
	if err != nil || n <= 0 || n >= len(t.sched) || (e.runtime == 0 && e.slices == 0) {
		unix.Close(fd)
		e.noWatch = true
		return -1
	}
	return fd
}

// clockWatch is openWatch's answer for a process watched through its CPU
// clock: no descriptor.
const clockWatch = -2

// commitWatch makes e watched through fd if the stat just read agrees that
// it is idle (and, for schedstat, single-threaded); otherwise it closes fd.
func (t *ProcTable) commitWatch(e *ProcEntry, fd int, ran bool) {
	if fd == clockWatch {
		if !ran {
			t.release(e) // its stat descriptor: the clock needs none
			e.watched = true
		}
		return
	}
	if ran || e.Threads != 1 || (e.fd < 0 && t.held >= t.maxFDs) {
		unix.Close(fd)
		return
	}
	t.release(e)
	e.fd, e.watched = int32(fd), true
	t.held++
}

// keepIdle carries e into this pass unchanged: it has not run, so its CPU
// time is what it was. So is its children's: they reach cutime only when
// it waits for them, which it must run to do.
func (t *ProcTable) keepIdle(e *ProcEntry) {
	e.HasPrev = t.passes > 0
	e.PrevTicks = e.Ticks
	e.PrevChildTicks = e.ChildTicks
	if e.idle < 255 {
		e.idle++
	}
	e.seen = t.gen
	t.live = append(t.live, e)
}

// reparented reads again, at the end of a pass, the watched processes whose
// parent is no longer theirs: the kernel re-parents a child when its parent
// exits, without waking the child.
func (t *ProcTable) reparented() {
	for _, e := range t.live {
		if e.readGen == t.gen || e.PPID == 0 {
			continue
		}
		p := t.entries[e.PPID]
		if p != nil && p.seen == t.gen && p.State != 'Z' && p.StartTicks <= e.StartTicks {
			continue
		}
		name := strconv.AppendInt(t.name[:0], int64(e.PID), 10)
		if n, err := t.readStat(e, name); err == nil {
			if st, err := ParsePIDStat(t.buf[:n]); err == nil && st.PID == e.PID && st.StartTicks == e.StartTicks {
				e.PPID = st.PPID
			}
		}
	}
}

// refreshPeriod sets this pass's refresh period from /proc/vmstat: short
// for refreshReclaim passes after pages were reclaimed or swapped in (so
// each watched process is read once after it), or when it cannot tell.
func (t *ProcTable) refreshPeriod() {
	v, ok := uint64(0), false
	if n, err := t.readAux(auxVMStat); err == nil && ParseVMStat(t.aux[:n], &t.vmstat) == nil {
		v, ok = t.vmstat.Reclaimed()
	}
	if !ok || v != t.reclaimed || t.passes == 0 {
		t.reclaimUntil = t.gen + refreshReclaim
	}
	t.reclaimed = v
	t.refresh = refreshQuiet
	if t.gen < t.reclaimUntil {
		t.refresh = refreshReclaim
	}
}

// reuseListing says whether this pass can visit the processes the last one
// listed instead of listing /proc again, and which PIDs were allocated since
// (from, to], to probe one by one; from == to when none was. That needs
// /proc/loadavg's last PID to be of the reader's own PID namespace (a real
// procfs of it: not a fixture tree, not a host's /proc mounted into a
// container), and, for probing, the CPU clocks: otherwise any allocation
// means a listing. Many allocations (a build forking compilers), a PID
// counter that wrapped, or listEvery passes without one list instead.
func (t *ProcTable) reuseListing() (from, to uint64, ok bool) {
	if !t.ownNS {
		return 0, 0, false
	}
	n, err := t.readAux(auxLoadavg)
	if err != nil {
		return 0, 0, false
	}
	la, err := ParseLoadAvg(t.aux[:n])
	if err != nil || la.LastPID == 0 {
		return 0, 0, false
	}
	from, to = t.lastPID, la.LastPID
	t.lastPID = la.LastPID
	if t.passes == 0 || t.gen-t.listGen >= listEvery || to < from {
		return 0, 0, false
	}
	if to == from {
		return from, to, true
	}
	return from, to, t.clock && to-from <= t.maxProbe()
}

// maxProbe is the most PIDs a pass probes instead of listing /proc: a failed
// probe costs about what listing one process does, so probing pays while the
// allocations are fewer than the processes.
func (t *ProcTable) maxProbe() uint64 {
	return uint64(max(probeMin, len(t.prev)))
}

// ownNamespace says whether root is a procfs mounted for the caller's own
// PID namespace: the NSpid line of self/status then names one PID.
func ownNamespace(dirfd int, read func(path []byte) ([]byte, error)) bool {
	var fs unix.Statfs_t
	if unix.Fstatfs(dirfd, &fs) != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	b, err := read([]byte("self/status\x00"))
	if err != nil {
		return false
	}
	depth, err := ParseStatusNSpid(b)
	return err == nil && depth == 1
}
