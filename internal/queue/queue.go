// Package queue is a generic bounded FIFO that never blocks its producers.
package queue

import (
	"context"
	"errors"
	"sync"
)

// ErrClosed is returned by Pop once the queue is closed and empty.
var ErrClosed = errors.New("queue closed")

// Queue is a bounded first-in first-out queue of T, safe for any number of
// producers and consumers.
//
// Policy: Push never blocks. When the queue is full, Push drops the oldest
// element to make room for the new one and counts the drop (Dropped): a
// monitor wants the freshest sample, and a stale one is worth less than a
// new one. Push after Close drops the new element and counts it too.
// Pop blocks until an element is there, the queue is closed and drained, or
// the context is done; Close lets consumers drain what is left.
type Queue[T any] struct {
	mu      sync.Mutex
	buf     []T
	head    int // index of the oldest element
	n       int // elements held
	dropped uint64
	closed  bool
	// ready holds one token while the queue may be non-empty or is closed,
	// so a consumer can wait on it together with other channels.
	ready chan struct{}
}

// New returns a queue that holds at most capacity elements; capacity below 1
// is taken as 1.
func New[T any](capacity int) *Queue[T] {
	if capacity < 1 {
		capacity = 1
	}
	return &Queue[T]{buf: make([]T, capacity), ready: make(chan struct{}, 1)}
}

// Push appends v, dropping the oldest element when the queue is full. It
// reports whether an element was dropped to make room (or v itself, after
// Close).
func (q *Queue[T]) Push(v T) (dropped bool) {
	q.mu.Lock()
	if q.closed {
		q.dropped++
		q.mu.Unlock()
		return true
	}
	if q.n == len(q.buf) {
		var zero T
		q.buf[q.head] = zero
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		q.dropped++
		dropped = true
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
	q.mu.Unlock()
	q.signal()
	return dropped
}

func (q *Queue[T]) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// TryPop removes and returns the oldest element, and false when the queue is
// empty.
func (q *Queue[T]) TryPop() (T, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var zero T
	if q.n == 0 {
		return zero, false
	}
	v := q.buf[q.head]
	q.buf[q.head] = zero // let the garbage collector have it
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	if q.n > 0 || q.closed {
		// Pass the token on so another waiting consumer wakes too.
		q.signal()
	}
	return v, true
}

// Pop removes and returns the oldest element, waiting for one. It returns
// ErrClosed once the queue is closed and empty, and ctx.Err() when ctx is
// done first.
func (q *Queue[T]) Pop(ctx context.Context) (T, error) {
	for {
		if v, ok := q.TryPop(); ok {
			return v, nil
		}
		q.mu.Lock()
		closed, empty := q.closed, q.n == 0
		q.mu.Unlock()
		if closed && empty {
			q.signal()
			var zero T
			return zero, ErrClosed
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

// Ready returns a channel that receives when the queue may have an element
// or has been closed. A receive is only a hint: follow it with TryPop.
func (q *Queue[T]) Ready() <-chan struct{} { return q.ready }

// Close stops the queue accepting elements; those already in it can still be
// popped. Close is idempotent.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// Closed reports whether Close was called.
func (q *Queue[T]) Closed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// Len returns the number of elements waiting.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Cap returns the most elements the queue holds.
func (q *Queue[T]) Cap() int { return len(q.buf) }

// Dropped returns how many elements were dropped since New.
func (q *Queue[T]) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}
