package sensor

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

type procIORate struct {
	Read, Write float64
	Unknown     bool
}

// TestProcIO runs three passes over fake entries and counters. Pass one is
// the warm-up (baselines); pass two and three are 2 s apart.
func TestProcIO(t *testing.T) {
	t.Parallel()
	const (
		idle     = 1 // never runs: read once for its baseline, never again
		writer   = 2 // runs and writes 64 MiB per pass
		other    = 3 // another user's: unreadable, asked once
		newcomer = 4 // starts before pass two with 1 MiB read already
		gone     = 5 // its io vanishes before pass two
	)
	type counters struct{ r, w uint64 }
	io := map[int32]counters{idle: {100, 100}, writer: {0, 1 << 20}, gone: {7, 7}}
	reads := map[int32]int{}
	read := func(e *procfs.ProcEntry) (uint64, uint64, error) {
		reads[e.PID]++
		if e.PID == other {
			return 0, 0, procfs.ErrIOUnreadable
		}
		c, ok := io[e.PID]
		if !ok {
			return 0, 0, errors.New("gone")
		}
		return c.r, c.w, nil
	}
	// The table keeps one entry per process across passes; move sets what
	// a pass found in it.
	es := map[int32]*procfs.ProcEntry{}
	entry := func(pid int32, ticks, prev uint64, hasPrev bool) *procfs.ProcEntry {
		e := es[pid]
		if e == nil {
			e = &procfs.ProcEntry{PID: pid, StartTicks: 1}
			es[pid] = e
		}
		e.Ticks, e.PrevTicks, e.HasPrev = ticks, prev, hasPrev
		return e
	}
	var s procIO
	s.fill([]*procfs.ProcEntry{entry(idle, 5, 0, false), entry(writer, 10, 0, false), entry(other, 3, 0, false), entry(gone, 1, 0, false)}, nil, 0, read)

	rates := func(rows []reading.Process) map[int32]procIORate {
		m := map[int32]procIORate{}
		for _, r := range rows {
			m[r.PID] = procIORate{r.ReadRate, r.WriteRate, r.IOUnknown}
		}
		return m
	}
	pass := func(es ...*procfs.ProcEntry) map[int32]procIORate {
		rows := make([]reading.Process, len(es))
		for i, e := range es {
			rows[i].PID = e.PID
		}
		s.fill(es, rows, 2*time.Second, read)
		return rates(rows)
	}

	io[writer] = counters{4096, 1<<20 + 64<<20}
	io[newcomer] = counters{1 << 20, 0}
	delete(io, gone)
	got := pass(entry(idle, 5, 5, true), entry(writer, 60, 10, true), entry(other, 9, 3, true), entry(newcomer, 2, 0, true), entry(gone, 1, 1, true))
	want := map[int32]procIORate{
		idle:     {},
		writer:   {Read: 2048, Write: 32 << 20},
		other:    {Unknown: true},
		newcomer: {Read: 512 << 10},
		gone:     {}, // did not run: its io was not asked for
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pass two (-want +got):\n%s", diff)
	}

	// Pass three: the writer stops running; gone runs and is asked, and
	// its missing file says unknown.
	got = pass(entry(idle, 5, 5, true), entry(writer, 60, 60, true), entry(other, 12, 9, true), entry(gone, 2, 1, true))
	want = map[int32]procIORate{idle: {}, writer: {}, other: {Unknown: true}, gone: {Unknown: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pass three (-want +got):\n%s", diff)
	}
	wantReads := map[int32]int{idle: 1, writer: 2, other: 1, newcomer: 1, gone: 2}
	if diff := cmp.Diff(wantReads, reads); diff != "" {
		t.Errorf("io reads per process (-want +got):\n%s", diff)
	}
}
