package engine

import (
	"sync/atomic"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Subscription is one output's view of the analysed stream. C receives
// every reading, in order per sensor, and is closed when Run ends.
//
// C has its own bounded buffer. When the output falls behind and the buffer
// is full, the oldest buffered reading is dropped to make room for the new
// one and counted (Dropped): a slow output sees fresh data with gaps, and
// never blocks a sensor or another output.
type Subscription struct {
	C <-chan reading.Reading

	c       chan reading.Reading
	name    string
	dropped atomic.Uint64
}

// Dropped returns how many readings this subscription lost to a full
// buffer.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// send delivers r without blocking, dropping the oldest buffered reading
// when the buffer is full.
func (s *Subscription) send(r reading.Reading) {
	select {
	case s.c <- r:
		return
	default:
	}
	select {
	case <-s.c:
		s.dropped.Add(1)
	default:
	}
	select {
	case s.c <- r:
	default:
		// Another analyser filled the slot first.
		s.dropped.Add(1)
	}
}

// Subscribe registers an output called name with a buffer of that many
// readings (at least 1). Call it before Run; a subscription made after Run
// has ended gets a closed C.
func (e *Engine) Subscribe(name string, buffer int) *Subscription {
	c := make(chan reading.Reading, max(buffer, 1))
	s := &Subscription{C: c, c: c, name: name}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ended {
		close(c)
		return s
	}
	e.subs = append(e.subs, s)
	view := append([]*Subscription(nil), e.subs...)
	e.subsView.Store(&view)
	return s
}

// deliver hands an analysed reading to every subscriber.
func (e *Engine) deliver(r reading.Reading) {
	e.readings.Add(1)
	for _, s := range *e.subsView.Load() {
		s.send(r)
	}
}

// dropped sums the readings lost by the queue and by every output.
func (e *Engine) dropped() uint64 {
	var n uint64
	for _, q := range e.queues {
		n += q.Dropped()
	}
	for _, s := range *e.subsView.Load() {
		n += s.Dropped()
	}
	return n
}
