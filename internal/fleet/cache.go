package fleet

import (
	"context"
	"sync"
	"time"
)

// Refresher is what a Cache keeps the answers of; *Fleet satisfies it.
type Refresher interface {
	Refresh(ctx context.Context, now time.Time) Snapshot
}

// Cache shares one refresh among every caller within TTL of it, so that
// many browsers and API callers cost Prometheus one round of queries per
// TTL, not one each. Callers that arrive while a refresh runs wait for it
// (single flight) rather than start their own. It is safe for concurrent
// use.
//
// A refresh runs on a context of its own, not the first caller's: a
// caller who goes away must not fail the others waiting on the same
// answer. The client's timeout bounds it.
type Cache struct {
	src Refresher
	ttl time.Duration

	mu      sync.Mutex
	last    Snapshot
	have    bool
	running chan struct{} // closed when the refresh in flight ends; nil when none
}

// NewCache keeps src's answers for ttl.
func NewCache(src Refresher, ttl time.Duration) *Cache {
	return &Cache{src: src, ttl: ttl}
}

// Refresh answers with the last snapshot when it was taken less than TTL
// before now, else with a new one, shared with every caller that asks
// while it is taken. A caller whose ctx ends first gets a snapshot with
// ctx's error.
func (c *Cache) Refresh(ctx context.Context, now time.Time) Snapshot {
	c.mu.Lock()
	if c.have && now.Sub(c.last.At) < c.ttl && !now.Before(c.last.At) {
		s := c.last
		c.mu.Unlock()
		return s
	}
	done := c.running
	if done == nil {
		done = make(chan struct{})
		c.running = done
		go c.fill(context.WithoutCancel(ctx), now, done)
	}
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return Snapshot{At: now, Err: ctx.Err()}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// fill takes one snapshot and wakes its waiters; it exits when the
// refresh returns, which the client's timeout bounds.
func (c *Cache) fill(ctx context.Context, now time.Time, done chan struct{}) {
	s := c.src.Refresh(ctx, now)
	c.mu.Lock()
	c.last, c.have, c.running = s, true, nil
	c.mu.Unlock()
	close(done)
}
