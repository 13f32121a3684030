package sensor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

type procsOS struct {
	// mu guards the table against a read that an impatient supervisor
	// abandoned and that is still finishing (it stops at the next ctx
	// check) when the next one starts.
	mu    sync.Mutex
	table *procfs.ProcTable
}

// errReadBusy is returned when the previous read has not yet finished.
var errReadBusy = errors.New("processes: previous read still running")

// NewProcesses returns a Processes sensor over fs's /proc, naming users from
// the system's /etc/passwd. It fails when the /proc root cannot be opened or
// its stat file has no boot time.
func NewProcesses(fs procfs.FS) (*Processes, error) {
	return newProcesses(fs, procfs.ProcTableOptions{})
}

func newProcesses(fs procfs.FS, opts procfs.ProcTableOptions) (*Processes, error) {
	t, err := procfs.NewProcTable(fs, opts)
	if err != nil {
		return nil, err
	}
	return &Processes{procsOS: procsOS{table: t}}, nil
}

// Read makes one pass over the process table. Processes that exit while it
// runs are left out, not reported as errors.
func (p *Processes) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	if !p.mu.TryLock() {
		return reading.Reading{}, errReadBusy
	}
	defer p.mu.Unlock()
	entries, err := p.table.Scan(ctx)
	if err != nil {
		p.warm = false
		return reading.Reading{}, err
	}
	dt := now.Sub(p.prev)
	warm := p.warm
	p.prev, p.warm = now, true
	events := p.diff.step(now, entries, p.table.StartTime, nil)
	if !warm {
		p.io.fill(entries, nil, 0, p.table.ReadIO)
		return reading.Reading{}, ErrWarmup
	}
	r := procsReading(now, entries, dt, procsClock{
		hz:       p.table.ClockTicks(),
		page:     p.table.PageSize(),
		memTotal: p.table.MemTotal(),
		start:    p.table.StartTime,
	})
	p.io.fill(entries, r.Processes, dt, p.table.ReadIO)
	r.Events = events
	return r, nil
}

// Close releases the descriptors the sensor holds.
func (p *Processes) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.table.Close()
}
