package sensor

import "time"

// Delta returns cur − prev for a kernel counter that only grows. When cur is
// below prev the counter was reset (an interface re-created, a module
// reloaded, a 32-bit counter wrapped, a CPU brought back online) and the
// increase since the reset is unknowable; Delta then returns 0 and false so
// the caller reports no rate for that interval instead of a huge spike or a
// negative value.
func Delta(prev, cur uint64) (uint64, bool) {
	if cur < prev {
		return 0, false
	}
	return cur - prev, true
}

// Rate returns the per-second increase of a counter sampled as prev and then
// as cur, dt apart. It returns 0 and false when the counter was reset (see
// Delta) or when dt is not positive (a clock step, two reads stamped alike),
// so no division by zero or negative rate ever reaches a display.
func Rate(prev, cur uint64, dt time.Duration) (float64, bool) {
	d, ok := Delta(prev, cur)
	if !ok || dt <= 0 {
		return 0, false
	}
	return float64(d) / dt.Seconds(), true
}

// Counters remembers the last sample of many counters told apart by a key
// (a device and a field, a CPU and a mode) so a sensor can turn each into a
// rate on the next read. Keys seen for the first time, or again after a
// reset, report no rate until their next sample. Keys that stop appearing (a
// removed USB disk) are forgotten by Sweep, so the map does not grow for ever
// on a machine whose devices come and go.
//
// A Counters is not safe for concurrent use; a sensor's Read is called by one
// goroutine at a time, which is what it is made for.
type Counters[K comparable] struct {
	prev map[K]counterSample
	gen  uint64
}

type counterSample struct {
	value uint64
	at    time.Time
	gen   uint64
}

// NewCounters returns an empty Counters.
func NewCounters[K comparable]() *Counters[K] {
	return &Counters[K]{prev: make(map[K]counterSample)}
}

// Rate records value as key's sample at now and returns its per-second rate
// since key's previous sample. ok is false on the first sample of a key, on a
// counter reset and when now is not after the previous sample.
func (c *Counters[K]) Rate(key K, value uint64, now time.Time) (rate float64, ok bool) {
	p, seen := c.prev[key]
	c.prev[key] = counterSample{value: value, at: now, gen: c.gen}
	if !seen {
		return 0, false
	}
	return Rate(p.value, value, now.Sub(p.at))
}

// Sweep forgets every key that was not given to Rate since the previous
// Sweep. Call it once at the end of each read.
func (c *Counters[K]) Sweep() {
	for k, s := range c.prev {
		if s.gen != c.gen {
			delete(c.prev, k)
		}
	}
	c.gen++
}

// Len returns how many keys are remembered.
func (c *Counters[K]) Len() int { return len(c.prev) }

// deviceField keys one counter of a device (a disk, an interface): its name
// and the index of the field in the sensor's table of fields.
type deviceField struct {
	dev   string
	field uint8
}

// deviceRates records the sample value(f) of each of dev's len(rates)
// counters at now, puts their rates in rates, and reports whether every one
// had a rate. A device reports all its rates or none: when any counter went
// back the device was replaced (a USB disk re-plugged under the same name,
// an interface re-created), and the counters that did not move back do not
// relate to the previous sample either.
func deviceRates(c *Counters[deviceField], dev string, rates []float64, value func(f int) uint64, now time.Time) bool {
	all := true
	for f := range rates {
		var ok bool
		rates[f], ok = c.Rate(deviceField{dev, uint8(f)}, value(f), now)
		all = all && ok
	}
	return all
}
