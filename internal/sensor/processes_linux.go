package sensor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
	// last is what the table last saw of the processes it found gone,
	// for the exits whose own count never came.
	last lastPass
	// exits lists the processes that exit between two reads; nil when the
	// kernel refused the subscription (exitsDenied) or the table reads
	// another machine's /proc.
	exits       *exitWatch
	exitsDenied bool
}

// errReadBusy is returned when the previous read has not yet finished.
var errReadBusy = errors.New("processes: previous read still running")

// NewProcesses returns a Processes sensor over fs's /proc, naming users from
// the system's /etc/passwd. It fails when the /proc root cannot be opened or
// its stat file has no boot time.
//
// On the running machine's own /proc it also subscribes to the kernel's
// process events, to list the processes that exit between two reads. Older
// kernels allow that with root or CAP_NET_ADMIN only (recent ones to any
// user); where it is refused the readings say the list cannot be had.
func NewProcesses(fs procfs.FS) (*Processes, error) {
	p, err := newProcesses(fs, procfs.ProcTableOptions{CgroupV1: cgroupV1Controller(fs)})
	if err != nil {
		return nil, err
	}
	p.watchExits(fs, procfs.ListenProcEvents, procfs.ListenTaskstats)
	return p, nil
}

// OnBusy has f called, from the exit watch, when processes exit faster
// than the walks take them: a quarter of what a reading carries is
// waiting. A cadence governed by demand (engine.Demand) should then walk
// sooner. Without an exit watch it does nothing.
func (p *Processes) OnBusy(f func()) {
	if p.exits == nil {
		return
	}
	p.exits.x.mu.Lock()
	p.exits.x.busy = f
	p.exits.x.mu.Unlock()
}

// watchExits subscribes through listen, and registers for taskstats
// through listenAcct (nil: not), on this machine's own /proc only.
func (p *Processes) watchExits(fs procfs.FS, listen func() (*procfs.ProcEvents, error), listenAcct func(string) (*procfs.Taskstats, error)) {
	if !p.table.OwnNamespace() {
		return
	}
	var err error
	p.exits, err = startExitWatch(fs, listen, listenAcct, p.table.ClockTicks(), p.table.StartTime)
	p.exitsDenied = err != nil
}

func newProcesses(fs procfs.FS, opts procfs.ProcTableOptions) (*Processes, error) {
	t, err := procfs.NewProcTable(fs, opts)
	if err != nil {
		return nil, err
	}
	p := &Processes{procsOS: procsOS{table: t}}
	// A fixture root has no mount table: nothing is hidden there.
	if ms, err := fs.MountInfo("self"); err == nil {
		groups, _ := os.Getgroups()
		p.note = hiddenNote(ms, filepath.Clean(fs.ProcRoot()), os.Geteuid(), append(groups, os.Getegid()))
	}
	return p, nil
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
	var exits *reading.Exits
	switch {
	case p.exits != nil:
		exits = p.exits.x.drain()
	case p.exitsDenied:
		exits = &reading.Exits{Processes: []reading.ExitedProcess{}}
	}
	if p.exits != nil {
		// Only the kernel's exits can lack their count; the pass diff's
		// have none to lack.
		p.last.note(now, p.table.Gone(), float64(p.table.ClockTicks()), p.table.StartTime)
		p.last.fill(exits)
	}
	dt := now.Sub(p.prev)
	warm := p.warm
	prevForks, hadForks := p.forks, p.hasForks
	p.forks, p.hasForks = p.table.Forks()
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
	r.Events = withExitSignals(events, exits)
	r.Note = p.note
	if hadForks && p.hasForks {
		r.Metrics = append(r.Metrics, forkMetrics(prevForks, p.forks, dt)...)
	}
	r.Exits = exits
	return r, nil
}

// Close releases the descriptors the sensor holds.
func (p *Processes) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exits != nil {
		p.exits.close()
		p.exits = nil
	}
	return p.table.Close()
}
