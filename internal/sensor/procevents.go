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

func compareSeen(a, b procSeen) int {
	if c := cmp.Compare(a.pid, b.pid); c != 0 {
		return c
	}
	return cmp.Compare(a.start, b.start)
}

// procDiff finds the processes started and ended between two passes of
// the process table, as the set difference of their PIDs and start times:
// both passes sorted (the table comes in PID order, so sorting costs
// little) and walked side by side, with no map to fill each pass. Kernel
// threads (kthreadd's children) come and go with the kernel's work and
// are left out.
type procDiff struct {
	prev, cur []procSeen
	warm      bool
}

// step folds one pass in and appends its events to dst, in PID order;
// the first pass only takes the baseline. start turns a start time in
// clock ticks into the time it stands for.
func (d *procDiff) step(now time.Time, entries []*procfs.ProcEntry, start func(uint64) time.Time, dst []reading.Event) []reading.Event {
	d.cur = d.cur[:0]
	for _, e := range entries {
		if e.PID != 2 && e.PPID != 2 {
			d.cur = append(d.cur, procSeen{e.PID, e.StartTicks, e.Comm})
		}
	}
	if !slices.IsSortedFunc(d.cur, compareSeen) {
		slices.SortFunc(d.cur, compareSeen)
	}
	if d.warm {
		var started, ended uint64
		i, j := 0, 0
		for i < len(d.prev) || j < len(d.cur) {
			c := 0
			switch {
			case i == len(d.prev):
				c = 1
			case j == len(d.cur):
				c = -1
			default:
				c = compareSeen(d.prev[i], d.cur[j])
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
				p := d.cur[j]
				if started++; started <= procEventsCap {
					dst = append(dst, reading.Event{Time: now, Kind: reading.EventProcessStart, PID: p.pid, Comm: p.comm, Count: 1})
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
	d.prev, d.cur = d.cur, d.prev
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
