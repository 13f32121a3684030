package store

import (
	"context"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestRecorderWritesABurstInOneTransaction checks the writer's schedule:
// readings that arrive together are written in one transaction,
// FlushInterval after the first of them, and nothing is written while no
// reading comes. A ticker every FlushInterval split the burst below (a
// tick at 500 ms falls between its readings) into two transactions.
func TestRecorderWritesABurstInOneTransaction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		s, err := Open(filepath.Join(dir, "vigia.db"), Options{FlushInterval: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ch := make(chan reading.Reading)
		done := make(chan error, 1)
		go func() { done <- s.Record(context.Background(), ch) }()
		state := func() (written, transactions uint64) {
			synctest.Wait()
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.written, s.transactions
		}

		time.Sleep(490 * time.Millisecond)
		for i := range 3 { // at 490, 500 and 510 ms
			ch <- cpuReading(time.Now(), i)
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(469 * time.Millisecond) // 989 ms: the first has waited 499
		if w, _ := state(); w != 0 {
			t.Errorf("%d readings written before FlushInterval had passed since the first", w)
		}
		time.Sleep(2 * time.Millisecond)
		if w, tx := state(); w != 3 || tx != 1 {
			t.Errorf("after FlushInterval: %d readings in %d transactions, want 3 in 1", w, tx)
		}
		time.Sleep(10 * time.Second)
		if _, tx := state(); tx != 1 {
			t.Errorf("%d transactions while no reading came, want still 1", tx)
		}

		ch <- cpuReading(time.Now(), 3)
		time.Sleep(501 * time.Millisecond)
		if w, tx := state(); w != 4 || tx != 2 {
			t.Errorf("a lone reading: %d written in %d transactions, want 4 in 2", w, tx)
		}
		close(ch)
		if err := <-done; err != nil {
			t.Fatalf("Record: %v", err)
		}
	})
}
