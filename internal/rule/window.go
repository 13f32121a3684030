package rule

import (
	"math"
	"time"
)

// windowBuckets is how many buckets a window keeps: a series costs the same
// memory whether it is sampled every second or every minute, and the fit
// covers between (n−1)/n and all of the window.
const windowBuckets = 32

// moments are the running means and co-moments of (t, v) samples, kept in
// Welford's form so that byte counts of terabytes over hours fit a line
// without the cancellation of raw sums.
type moments struct {
	n        float64
	mt, mv   float64 // means
	ctt, ctv float64 // Σ(t−mt)², Σ(t−mt)(v−mv)
}

func (m *moments) add(t, v float64) {
	m.n++
	dt := t - m.mt
	m.mt += dt / m.n
	m.mv += (v - m.mv) / m.n
	m.ctt += dt * (t - m.mt)
	m.ctv += dt * (v - m.mv)
}

// merge folds o into m (Chan et al.'s pairwise update).
func (m *moments) merge(o *moments) {
	if o.n == 0 {
		return
	}
	if m.n == 0 {
		*m = *o
		return
	}
	n := m.n + o.n
	dt, dv := o.mt-m.mt, o.mv-m.mv
	f := m.n * o.n / n
	m.ctt += o.ctt + dt*dt*f
	m.ctv += o.ctv + dt*dv*f
	m.mt += dt * o.n / n
	m.mv += dv * o.n / n
	m.n = n
}

// slope is the least-squares slope in value units per second, and false
// when the samples span no time.
func (m *moments) slope() (float64, bool) {
	if m.n < 2 || m.ctt <= 0 {
		return 0, false
	}
	s := m.ctv / m.ctt
	return s, !math.IsNaN(s) && !math.IsInf(s, 0)
}

// at is the fitted value at time t.
func (m *moments) at(t, slope float64) float64 { return m.mv + slope*(t-m.mt) }

type bucket struct {
	idx         int64
	m           moments
	first, last float64 // sample times, seconds since the window's origin
	vFirst      float64
	vLast       float64
	lo          float64 // the lowest sample
}

// window downsamples a series into fixed buckets over a span, for a linear
// fit of its last span. Times are seconds since the first sample.
type window struct {
	origin  time.Time
	width   float64 // seconds per bucket
	buckets [windowBuckets]bucket
	prev    float64 // the last sample, for counter resets
	hasPrev bool
	offset  float64 // what counter resets took away, added back
	// closed caches the fit of every bucket of the span but the current
	// one, which only changes when a sample lands outside the current
	// bucket: a fit then costs one merge, not one per bucket.
	closed    fit
	closedIdx int64
	closedOK  bool
}

func newWindow(span time.Duration, origin time.Time) *window {
	w := &window{origin: origin, width: span.Seconds() / windowBuckets}
	if !(w.width > 0) {
		w.width = 1
	}
	for i := range w.buckets {
		w.buckets[i].idx = math.MinInt64
	}
	return w
}

func (w *window) seconds(now time.Time) float64 { return now.Sub(w.origin).Seconds() }

func (w *window) index(t float64) int64 {
	f := math.Floor(t / w.width)
	if f > math.MaxInt64/2 || f < math.MinInt64/2 {
		return 0
	}
	return int64(f)
}

// add records v at now. A counter's resets (a value lower than the last)
// are undone so its line keeps climbing.
func (w *window) add(now time.Time, v float64, counter bool) {
	if counter && w.hasPrev && v+w.offset < w.prev {
		w.offset = w.prev
	}
	v += w.offset
	t := w.seconds(now)
	idx := w.index(t)
	if idx != w.closedIdx {
		w.closedOK = false
	}
	b := &w.buckets[uint64(idx)%windowBuckets]
	if b.idx != idx {
		*b = bucket{idx: idx, first: t, vFirst: v, lo: v}
	}
	b.m.add(t, v)
	b.last, b.vLast = t, v
	b.lo = min(b.lo, v)
	w.prev, w.hasPrev = v, true
}

// fit is the line through a window's samples.
type fit struct {
	m           moments
	first, last float64 // times of the oldest and newest sample
	vFirst      float64 // values at those times
	vLast       float64
	slope       float64 // per second
	ok          bool
}

// span is how many seconds the fitted samples cover.
func (f *fit) span() float64 { return f.last - f.first }

// fit fits a line through the samples of the span that ends at now.
func (w *window) fit(now time.Time) fit {
	cur := w.index(w.seconds(now))
	if !w.closedOK || w.closedIdx != cur {
		w.closed = fit{}
		for i := range w.buckets {
			if b := &w.buckets[i]; b.idx != cur {
				w.closed.fold(b, cur)
			}
		}
		w.closedIdx, w.closedOK = cur, true
	}
	f := w.closed
	f.fold(&w.buckets[uint64(cur)%windowBuckets], cur)
	f.slope, f.ok = f.m.slope()
	return f
}

// fold adds bucket b to the fit when it lies in the span ending in bucket
// cur.
func (f *fit) fold(b *bucket, cur int64) {
	if b.m.n == 0 || b.idx > cur || b.idx <= cur-windowBuckets {
		return
	}
	seen := f.m.n > 0
	f.m.merge(&b.m)
	if !seen || b.first < f.first {
		f.first, f.vFirst = b.first, b.vFirst
	}
	if !seen || b.last > f.last {
		f.last, f.vLast = b.last, b.vLast
	}
}

// covers reports whether a fit has enough behind it to be trusted: three
// samples at least, over a share of the window.
func (f *fit) covers(span time.Duration, share float64) bool {
	return f.ok && f.m.n >= 3 && f.span() >= span.Seconds()*share
}

// rising reports whether the low-water mark of each quarter of the fitted
// span is above the one before: growth that a saw-tooth's troughs keep
// undoing is not steady.
func (w *window) rising(now time.Time, f *fit) bool {
	cur := w.index(w.seconds(now))
	q := f.span() / 4
	if !(q > 0) {
		return false
	}
	lows := [4]float64{math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)}
	for i := range w.buckets {
		b := &w.buckets[i]
		if b.m.n == 0 || b.idx > cur || b.idx <= cur-windowBuckets {
			continue
		}
		k := min(int((b.first-f.first)/q), 3)
		lows[k] = min(lows[k], b.lo)
	}
	for k := 1; k < 4; k++ {
		if !(lows[k] > lows[k-1]) || math.IsInf(lows[k], 1) {
			return false
		}
	}
	return true
}
