package fleet

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingAPI is fakeAPI's empty fleet that counts the requests it gets
// and holds each until release is closed.
func countingAPI(t *testing.T, release <-chan struct{}) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	h := fakeHandler(map[string]string{"up": "instance:a:9100,job:node=1"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		<-release
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestCacheOneRoundForManyCallers: callers that ask at once cost one
// round of queries, callers within the TTL none, and the first caller
// going away fails no one else.
func TestCacheOneRoundForManyCallers(t *testing.T) {
	t.Parallel()
	now := time.Unix(1772366400, 0).UTC()
	open := make(chan struct{})
	close(open)
	srv, n := countingAPI(t, open)
	newFleet(t, srv.URL).Refresh(context.Background(), now)
	round := n.Load()
	if round < 5 {
		t.Fatalf("one refresh asked %d queries, want a dozen", round)
	}

	release := make(chan struct{})
	srv, n = countingAPI(t, release)
	c := NewCache(newFleet(t, srv.URL), 5*time.Second)
	// The first caller gives up while the queries run.
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan Snapshot)
	go func() { first <- c.Refresh(ctx, now) }()
	for n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if s := <-first; !errors.Is(s.Err, context.Canceled) {
		t.Errorf("the caller that went away got %v, want its context's error", s.Err)
	}
	const callers = 20
	var wg sync.WaitGroup
	snaps := make([]Snapshot, callers)
	for i := range callers {
		wg.Go(func() { snaps[i] = c.Refresh(context.Background(), now.Add(time.Duration(i)*time.Millisecond)) })
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, s := range snaps {
		if s.Err != nil || len(s.Hosts) != 1 {
			t.Fatalf("caller %d got %v with %d hosts, want the one host", i, s.Err, len(s.Hosts))
		}
	}
	if got := n.Load(); got != round {
		t.Errorf("%d callers at once asked %d queries, want one round of %d", callers, got, round)
	}
	c.Refresh(context.Background(), now.Add(4*time.Second))
	if got := n.Load(); got != round {
		t.Errorf("a caller within the TTL asked %d queries more, want none", got-round)
	}
	c.Refresh(context.Background(), now.Add(5*time.Second))
	// The sparkline asks nothing new within its step, nor the CPU count
	// and time to full within a minute, so a round is the rest.
	if got := n.Load(); got < 2*round-3 {
		t.Errorf("a caller after the TTL: %d queries in all, want a second round of %d", got, round)
	}
}
