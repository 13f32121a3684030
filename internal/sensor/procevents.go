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

// procKey tells a process from a later one that reuses its PID.
type procKey struct {
	pid   int32
	start uint64
}

// procDiff finds the processes started and ended between two passes of
// the process table, as the set difference of their PIDs and start times.
// Kernel threads (kthreadd's children) come and go with the kernel's work
// and are left out.
type procDiff struct {
	prev, cur map[procKey]string // comm by process
	gone      []procKey
	warm      bool
}

// step folds one pass in and appends its events to dst; the first pass
// only takes the baseline. start turns a start time in clock ticks into
// the time it stands for.
func (d *procDiff) step(now time.Time, entries []*procfs.ProcEntry, start func(uint64) time.Time, dst []reading.Event) []reading.Event {
	if d.prev == nil {
		d.prev, d.cur = map[procKey]string{}, map[procKey]string{}
	}
	clear(d.cur)
	var started uint64
	for _, e := range entries {
		if e.PID == 2 || e.PPID == 2 {
			continue
		}
		k := procKey{e.PID, e.StartTicks}
		d.cur[k] = e.Comm
		if _, ok := d.prev[k]; ok || !d.warm {
			continue
		}
		if started++; started <= procEventsCap {
			dst = append(dst, reading.Event{Time: now, Kind: reading.EventProcessStart, PID: e.PID, Comm: e.Comm, Count: 1})
		}
	}
	dst = appendRest(dst, now, reading.EventProcessStart, started)
	if d.warm {
		// By PID, so a pass's events and the ones the cap keeps do not
		// depend on the map's order.
		d.gone = d.gone[:0]
		for k := range d.prev {
			if _, ok := d.cur[k]; !ok {
				d.gone = append(d.gone, k)
			}
		}
		slices.SortFunc(d.gone, func(a, b procKey) int { return cmp.Compare(a.pid, b.pid) })
		for _, k := range d.gone[:min(len(d.gone), procEventsCap)] {
			life := max(now.Sub(start(k.start)).Seconds(), 0)
			dst = append(dst, reading.Event{Time: now, Kind: reading.EventProcessExit, PID: k.pid, Comm: d.prev[k], Count: 1, Value: life})
		}
		dst = appendRest(dst, now, reading.EventProcessExit, uint64(len(d.gone)))
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
