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
	// allIO reads every process's io every pass: for measuring what
	// choosing saves.
	allIO bool
}

// ioReader reads a process's storage counters; procfs.ProcTable.ReadIO.
type ioReader func(e *procfs.ProcEntry) (read, write uint64, err error)

// fill sets ReadRate, WriteRate and IOUnknown of rows, which are the rows
// of entries in the same order (nil on a warm-up pass, which only takes
// baselines). dt is the time since the previous pass. Each process's last
// sample is kept in its entry (ProcEntry.IORead, IOWrite, IOState), which
// the table clears for a new process and drops with an exited one: at
// 10,084 processes a map of samples beside the table cost 74 bytes a
// process and a walk over it each pass to forget the exited.
func (s *procIO) fill(entries []*procfs.ProcEntry, rows []reading.Process, dt time.Duration, read ioReader) {
	for i, e := range entries {
		var row *reading.Process
		if rows != nil {
			row = &rows[i]
		}
		switch {
		case e.IOState == procfs.IOUnreadable:
			if row != nil {
				row.IOUnknown = true
			}
			continue
		case e.IOState == procfs.IOSampled && !s.allIO && e.HasPrev && e.Ticks == e.PrevTicks:
			continue // did not run: no I/O asked for
		}
		r, w, err := read(e)
		if errors.Is(err, procfs.ErrIOUnreadable) {
			e.IOState = procfs.IOUnreadable
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
		if e.IOState == procfs.IONone {
			e.IOState = procfs.IOSampled
			// A process started since the last pass read and wrote
			// everything in the interval (its baseline is 0); any other
			// first sighting has no baseline yet.
			if !(e.HasPrev && e.PrevTicks == 0) {
				e.IORead, e.IOWrite = r, w
				if row != nil {
					row.IOUnknown = true
				}
			}
		}
		if row != nil && dt > 0 {
			if d, ok := Delta(e.IORead, r); ok {
				row.ReadRate = float64(d) / dt.Seconds()
			}
			if d, ok := Delta(e.IOWrite, w); ok {
				row.WriteRate = float64(d) / dt.Seconds()
			}
		}
		e.IORead, e.IOWrite = r, w
	}
}
