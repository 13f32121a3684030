package sensor

import (
	"errors"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// procIO turns /proc/PID/io's read_bytes and write_bytes into each row's
// ReadRate and WriteRate without reading every process's io file every
// pass. A process that did not run since the last pass made no read or
// write system call and took no page fault, so it asked the storage layer
// for nothing: its rate is 0, known without a read. So io is read for a
// process the table has not yet sampled here (its baseline) and for one
// whose CPU time moved since the last pass; what it read and wrote since
// its last sample is put on this pass's interval. The approximation: a
// process that ran for less than a clock tick shows no CPU time, so its
// bytes show at the next pass in which it gets one (none are lost, as the
// baseline stays where it was).
//
// Measured with BenchmarkProcessesRead (real /proc, 123–128 processes, 2
// cores, load average 19–25 from other builds, so only ratios mean
// anything; 200 passes × 4, CPU per pass from getrusage): no io read at all
// 0.79–1.12 ms; io of the processes that ran (io=moved) 0.68–0.86 ms, within
// the noise; every io file every pass (io=all) 2.46–3.80 ms, three times
// the pass, since an io open asks the kernel for a ptrace access check.
type procIO struct {
	last map[procIOKey]*ioSample
	gen  uint64
	// allIO reads every process's io every pass: for measuring what
	// choosing saves.
	allIO bool
}

type procIOKey struct {
	pid   int32
	start uint64
}

type ioSample struct {
	read, write uint64
	gen         uint64 // pass that last saw the process
	unreadable  bool   // another user's process, without privilege: never asked again
}

// ioReader reads a process's storage counters; procfs.ProcTable.ReadIO.
type ioReader func(e *procfs.ProcEntry) (read, write uint64, err error)

// fill sets ReadRate, WriteRate and IOUnknown of rows, which are the rows
// of entries in the same order (nil on a warm-up pass, which only takes
// baselines). dt is the time since the previous pass.
func (s *procIO) fill(entries []*procfs.ProcEntry, rows []reading.Process, dt time.Duration, read ioReader) {
	if s.last == nil {
		s.last = make(map[procIOKey]*ioSample)
	}
	s.gen++
	for i, e := range entries {
		k := procIOKey{e.PID, e.StartTicks}
		smp := s.last[k]
		var row *reading.Process
		if rows != nil {
			row = &rows[i]
		}
		switch {
		case smp != nil && smp.unreadable:
			smp.gen = s.gen
			if row != nil {
				row.IOUnknown = true
			}
			continue
		case smp != nil && !s.allIO && e.HasPrev && e.Ticks == e.PrevTicks:
			smp.gen = s.gen // did not run: no I/O asked for
			continue
		}
		r, w, err := read(e)
		if errors.Is(err, procfs.ErrIOUnreadable) {
			s.last[k] = &ioSample{gen: s.gen, unreadable: true}
			if row != nil {
				row.IOUnknown = true
			}
			continue
		}
		if err != nil {
			// Gone while the pass ran, or an io file without the lines:
			// asked again next pass.
			if row != nil {
				row.IOUnknown = true
			}
			continue
		}
		if smp == nil {
			smp = &ioSample{}
			s.last[k] = smp
			// A process started since the last pass read and wrote
			// everything in the interval; any other first sighting has
			// no baseline yet.
			if !(e.HasPrev && e.PrevTicks == 0) {
				smp.read, smp.write = r, w
				if row != nil {
					row.IOUnknown = true
				}
			}
		}
		if row != nil && dt > 0 {
			if d, ok := Delta(smp.read, r); ok {
				row.ReadRate = float64(d) / dt.Seconds()
			}
			if d, ok := Delta(smp.write, w); ok {
				row.WriteRate = float64(d) / dt.Seconds()
			}
		}
		smp.read, smp.write, smp.gen = r, w, s.gen
	}
	// The table's entries are every live process, so what was not seen
	// this pass has exited.
	for k, smp := range s.last {
		if smp.gen != s.gen {
			delete(s.last, k)
		}
	}
}
