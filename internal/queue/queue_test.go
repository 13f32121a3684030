package queue

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func drain(q *Queue[int]) []int {
	var got []int
	for {
		v, ok := q.TryPop()
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

func TestPushDropsOldest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		capacity    int
		push        []int
		want        []int
		wantDropped uint64
	}{
		{name: "empty", capacity: 3},
		{name: "under capacity", capacity: 3, push: []int{1, 2}, want: []int{1, 2}},
		{name: "exactly full", capacity: 3, push: []int{1, 2, 3}, want: []int{1, 2, 3}},
		{name: "one over", capacity: 3, push: []int{1, 2, 3, 4}, want: []int{2, 3, 4}, wantDropped: 1},
		{name: "wraps many times", capacity: 2, push: []int{1, 2, 3, 4, 5, 6, 7}, want: []int{6, 7}, wantDropped: 5},
		{name: "capacity below one is one", capacity: 0, push: []int{1, 2}, want: []int{2}, wantDropped: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := New[int](tt.capacity)
			for _, v := range tt.push {
				q.Push(v)
			}
			if got, want := q.Len(), len(tt.want); got != want {
				t.Errorf("Len() = %d, want %d", got, want)
			}
			if diff := cmp.Diff(tt.want, drain(q)); diff != "" {
				t.Errorf("popped mismatch (-want +got):\n%s", diff)
			}
			if got := q.Dropped(); got != tt.wantDropped {
				t.Errorf("Dropped() = %d, want %d", got, tt.wantDropped)
			}
		})
	}
}

func TestInterleavedPushPop(t *testing.T) {
	t.Parallel()
	q := New[int](3)
	q.Push(1)
	q.Push(2)
	if v, _ := q.TryPop(); v != 1 {
		t.Fatalf("TryPop() = %d, want 1", v)
	}
	q.Push(3)
	q.Push(4)
	if dropped := q.Push(5); !dropped {
		t.Errorf("Push(5) on a full queue reported no drop")
	}
	if diff := cmp.Diff([]int{3, 4, 5}, drain(q)); diff != "" {
		t.Errorf("popped mismatch (-want +got):\n%s", diff)
	}
	if q.Cap() != 3 {
		t.Errorf("Cap() = %d, want 3", q.Cap())
	}
}

func TestCloseDrainsThenErrClosed(t *testing.T) {
	t.Parallel()
	q := New[int](4)
	q.Push(1)
	q.Push(2)
	q.Close()
	q.Close()
	if !q.Push(3) {
		t.Errorf("Push after Close reported no drop")
	}
	ctx := context.Background()
	for _, want := range []int{1, 2} {
		v, err := q.Pop(ctx)
		if err != nil || v != want {
			t.Fatalf("Pop() = %d, %v; want %d, nil", v, err, want)
		}
	}
	if _, err := q.Pop(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Pop() on closed empty queue: err = %v, want ErrClosed", err)
	}
	if q.Dropped() != 1 {
		t.Errorf("Dropped() = %d, want 1", q.Dropped())
	}
}

func TestPopHonoursContext(t *testing.T) {
	t.Parallel()
	q := New[int](1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := q.Pop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pop() on empty queue: err = %v, want DeadlineExceeded", err)
	}
}

// TestConcurrentNeverBlocksNorLoses checks, under -race, that many producers
// never block on a small queue and that every element is either popped or
// counted as dropped.
func TestConcurrentNeverBlocksNorLoses(t *testing.T) {
	t.Parallel()
	const producers, each = 8, 5000
	q := New[int](16)
	var popped sync.WaitGroup
	counts := make([]int, 2)
	ctx := context.Background()
	for c := range counts {
		popped.Go(func() {
			for {
				if _, err := q.Pop(ctx); err != nil {
					return
				}
				counts[c]++
			}
		})
	}
	var pushed sync.WaitGroup
	for range producers {
		pushed.Go(func() {
			for i := range each {
				q.Push(i)
			}
		})
	}
	pushed.Wait()
	q.Close()
	popped.Wait()
	total := uint64(counts[0]+counts[1]) + q.Dropped()
	if total != producers*each {
		t.Errorf("popped %d + dropped %d = %d, want %d", counts[0]+counts[1], q.Dropped(), total, producers*each)
	}
}

// TestFIFOPerProducer checks that one producer's elements come out in the
// order they went in, with gaps only where elements were dropped.
func TestFIFOPerProducer(t *testing.T) {
	t.Parallel()
	q := New[int](8)
	done := make(chan []int)
	go func() {
		var got []int
		for {
			v, err := q.Pop(context.Background())
			if err != nil {
				done <- got
				return
			}
			got = append(got, v)
		}
	}()
	for i := range 10000 {
		q.Push(i)
	}
	q.Close()
	got := <-done
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("element %d came after %d", got[i], got[i-1])
		}
	}
	if uint64(len(got))+q.Dropped() != 10000 {
		t.Errorf("popped %d + dropped %d, want 10000", len(got), q.Dropped())
	}
}

func BenchmarkPushPop(b *testing.B) {
	q := New[int](256)
	for i := 0; b.Loop(); i++ {
		q.Push(i)
		q.TryPop()
	}
}
