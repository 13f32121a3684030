package engine

import (
	"sync"
	"time"
)

// Demand runs one sensor at its full cadence only while something wants
// its readings, and at an idle cadence otherwise. The agent's process
// walk is a fifth of its CPU at 2 s; nobody looks at a process table
// most of the time, and the history keeps what each process used between
// two walks (CPU time is a counter), so a slower walk loses the moment of
// a burst within the idle interval, not the burst.
//
// A wanter is a request that answers with the readings (it releases at
// once) or a stream that carries them (it releases when it ends). The
// full cadence holds from the first Want until a hold after the last
// release; pinned keeps it for good (a rule or an export that needs
// every reading).
type Demand struct {
	set        func(time.Duration)
	full, idle time.Duration
	hold       time.Duration

	mu      sync.Mutex
	wanters int
	pinned  bool
	slow    bool
	timer   *time.Timer
	gen     uint64 // which arming a firing timer belongs to
	stopped bool
	// wokeAt is when the full cadence was last put back after an idle
	// spell: the reads from then on are the fresh ones.
	wokeAt time.Time
}

// DemandHold is how long a sensor keeps its full cadence after the last
// wanter let go: a dashboard reloaded, or a script that asks every few
// seconds, finds it still there.
const DemandHold = time.Minute

// NewDemand governs the named sensor's cadence: full while wanted, idle
// otherwise. Nothing wants the readings yet, but it starts at the full
// cadence for DemandWarmReads reads: a sensor that learns between reads
// (the process walk stops reading the processes it saw idle twice) does
// so in seconds rather than at the idle cadence. It returns nil when the
// engine does not run that sensor or idle is not slower than full.
func (e *Engine) NewDemand(name string, full, idle, hold time.Duration) *Demand {
	if idle <= full || !e.SetSensorInterval(name, full) {
		return nil
	}
	set := func(every time.Duration) { e.SetSensorInterval(name, every) }
	d := &Demand{set: set, full: full, idle: idle, hold: hold}
	d.mu.Lock()
	d.armForLocked(DemandWarmReads * full)
	d.mu.Unlock()
	return d
}

// DemandWarmReads is how many reads a governed sensor makes at its full
// cadence after it starts, before it may idle.
const DemandWarmReads = 3

// Want marks the readings wanted until release is called (more than
// once is harmless). When the sensor was idle until less than a full
// interval ago, fresh is when it woke: readings taken before may be up to
// the idle interval old, and one taken after follows within moments.
// Otherwise fresh is zero.
func (d *Demand) Want() (release func(), fresh time.Time) {
	if d == nil {
		return func() {}, time.Time{}
	}
	d.mu.Lock()
	d.wanters++
	d.fullLocked()
	if time.Since(d.wokeAt) < d.full {
		fresh = d.wokeAt
	}
	d.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			d.wanters--
			d.armLocked()
			d.mu.Unlock()
		})
	}, fresh
}

// Pin keeps the full cadence for good (pinned) or lets it go idle again
// once nothing wants it.
func (d *Demand) Pin(pinned bool) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	was := d.pinned
	d.pinned = pinned
	switch {
	case pinned:
		d.fullLocked()
	case was:
		d.armLocked()
	}
	// Unpinned and not pinned before, whatever hold runs (the first
	// reads' own) stands.
}

// Retune puts a reloaded config's cadences in force now, and pins the
// full one when asked or when idle is not slower.
func (d *Demand) Retune(full, idle time.Duration, pinned bool) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	d.full, d.idle, d.pinned = full, idle, pinned || idle <= full
	if d.slow && !d.pinned {
		d.set(d.idle)
		return
	}
	d.slow = false
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
	}
	d.set(d.full)
	d.armLocked()
}

// Stop ends the governing: no cadence changes after it returns.
func (d *Demand) Stop() {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
	}
}

// Idle reports whether the sensor runs at its idle cadence now.
func (d *Demand) Idle() bool {
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.slow
}

// fullLocked puts the full cadence back if it was idle.
// The supervisor re-plans from the last read, so a reading comes at once
// when the last is a full interval old.
func (d *Demand) fullLocked() {
	d.gen++ // a hold that runs is over
	if d.timer != nil {
		d.timer.Stop()
	}
	if !d.slow || d.stopped {
		return
	}
	d.slow = false
	d.wokeAt = time.Now()
	d.set(d.full)
}

// armLocked starts the hold once nothing wants the readings.
func (d *Demand) armLocked() { d.armForLocked(d.hold) }

func (d *Demand) armForLocked(hold time.Duration) {
	if d.wanters > 0 || d.pinned || d.slow || d.stopped {
		return
	}
	if d.timer != nil {
		d.timer.Stop()
	}
	d.gen++
	gen := d.gen
	d.timer = time.AfterFunc(hold, func() { d.expire(gen) })
}

func (d *Demand) expire(gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	// A timer that fired while a Want, Pin or new hold took the lock is
	// not this hold's end.
	if gen != d.gen || d.wanters > 0 || d.pinned || d.slow || d.stopped {
		return
	}
	d.slow = true
	d.set(d.idle)
}
