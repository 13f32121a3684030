package sensor

import (
	"cmp"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// procEventsCap bounds the start and the exit events of one pass: a build
// that runs a thousand compilers between two passes is 32 events of each
// and one that counts the rest, not a thousand rows of history.
const procEventsCap = 32

// procSeen is a process as the diff remembers it: PID and start time tell
// it from a later one that reuses its PID.
type procSeen struct {
	pid   int32
	start uint64
	comm  string
}

// comparePIDStart orders processes by PID, then start time.
func comparePIDStart(pidA int32, startA uint64, pidB int32, startB uint64) int {
	if c := cmp.Compare(pidA, pidB); c != 0 {
		return c
	}
	return cmp.Compare(startA, startB)
}

// procDiff finds the processes started and ended between two passes of
// the process table, as the set difference of their PIDs and start times:
// the last pass kept sorted, this pass's entries walked beside it (the
// table lists them in PID order; they are sorted into a scratch list only
// if not), with no map to fill each pass. Kernel threads (kthreadd's
// children) come and go with the kernel's work and are left out. The last
// pass is the only copy kept: a second list for this pass cost 36 bytes a
// process at 10,080 processes (BenchmarkProcessesLiveHeap).
type procDiff struct {
	prev    []procSeen
	scratch []*procfs.ProcEntry
	warm    bool
}

// kernelThread says e is kthreadd or one of its children.
func kernelThread(e *procfs.ProcEntry) bool { return e.PID == 2 || e.PPID == 2 }

func compareEntry(a, b *procfs.ProcEntry) int {
	return comparePIDStart(a.PID, a.StartTicks, b.PID, b.StartTicks)
}

// step folds one pass in and appends its events to dst, in PID order;
// the first pass only takes the baseline. start turns a start time in
// clock ticks into the time it stands for.
func (d *procDiff) step(now time.Time, entries []*procfs.ProcEntry, start func(uint64) time.Time, dst []reading.Event) []reading.Event {
	cur := entries
	if !slices.IsSortedFunc(cur, compareEntry) {
		d.scratch = append(d.scratch[:0], entries...)
		slices.SortFunc(d.scratch, compareEntry)
		cur = d.scratch
	}
	if d.warm {
		var started, ended uint64
		i, j := 0, 0
		for i < len(d.prev) || j < len(cur) {
			if j < len(cur) && kernelThread(cur[j]) {
				j++
				continue
			}
			c := 0
			switch {
			case i == len(d.prev):
				c = 1
			case j == len(cur):
				c = -1
			default:
				c = comparePIDStart(d.prev[i].pid, d.prev[i].start, cur[j].PID, cur[j].StartTicks)
			}
			switch {
			case c < 0: // gone
				p := d.prev[i]
				if ended++; ended <= procEventsCap {
					life := max(now.Sub(start(p.start)).Seconds(), 0)
					dst = append(dst, reading.Event{Time: now, Kind: reading.EventProcessExit, PID: p.pid, Comm: p.comm, Count: 1, Value: life})
				}
				i++
			case c > 0: // new
				e := cur[j]
				if started++; started <= procEventsCap {
					dst = append(dst, reading.Event{Time: now, Kind: reading.EventProcessStart, PID: e.PID, Comm: e.Comm, Count: 1})
				}
				j++
			default:
				i++
				j++
			}
		}
		dst = appendRest(dst, now, reading.EventProcessStart, started)
		dst = appendRest(dst, now, reading.EventProcessExit, ended)
	}
	d.prev = d.prev[:0]
	for _, e := range cur {
		if !kernelThread(e) {
			d.prev = append(d.prev, procSeen{e.PID, e.StartTicks, e.Comm})
		}
	}
	clear(d.scratch)
	d.scratch = d.scratch[:0]
	d.warm = true
	return dst
}

// appendRest appends the event that counts what the cap left out.
func appendRest(dst []reading.Event, now time.Time, kind reading.EventKind, n uint64) []reading.Event {
	if n <= procEventsCap {
		return dst
	}
	return append(dst, reading.Event{Time: now, Kind: kind, Count: n - procEventsCap})
}
