package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// busyReading is a reading of a realistic size stamped t.
func busyReading(t time.Time, i int) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCPU, Time: t, Primary: reading.CPUUsage, Status: reading.Normal}
	for c := range 64 {
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.CPUCoreUsage, Labels: []reading.Label{{Name: "cpu", Value: strconv.Itoa(c)}},
			Value: float64((i*7+c)%1000) / 10, Unit: reading.Percent})
	}
	return r
}

// TestRecorderChild is the process TestKill9 starts and kills: it records
// readings stamped with the wall clock as fast as it can and prints each
// one's time once Record has it.
func TestRecorderChild(t *testing.T) {
	path := os.Getenv("VIGIA_STORE_CHILD_DB")
	if path == "" {
		t.Skip("run by TestKill9")
	}
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	ch := make(chan reading.Reading)
	go s.Record(context.Background(), ch)
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		now := time.Now()
		ch <- busyReading(now, i) // unbuffered: Record has received it
		fmt.Fprintln(w, ms(now))
		w.Flush()
		time.Sleep(time.Millisecond)
	}
}

func TestKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills a recording child several times; not in -short")
	}
	path := filepath.Join(t.TempDir(), "vigia.db")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRecorderChild$", "-test.v=false")
		cmd.Env = append(os.Environ(), "VIGIA_STORE_CHILD_DB="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1<<16)
		var seen atomic.Int64
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				seen.Add(1)
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill once the child has recorded a hundred readings (on a loaded
		// machine its start alone can take over a second), then at a random
		// moment of the next second.
		deadline := time.Now().Add(60 * time.Second)
		for seen.Load() < 100 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		var sent []int64
		for l := range lines {
			v, err := strconv.ParseInt(l, 10, 64)
			if err != nil {
				t.Fatalf("round %d: child said %q", round, l)
			}
			sent = append(sent, v)
		}
		cmd.Wait()
		if len(sent) < 100 {
			t.Fatalf("round %d: the child recorded only %d readings before the kill", round, len(sent))
		}

		s, err := Open(path, Options{}) // a recorder: takes the lock, checks integrity
		if err != nil {
			t.Fatalf("round %d: Open after kill -9: %v", round, err)
		}
		stored := map[int64]bool{}
		for r, err := range s.Readings(fromMS(sent[0]), fromMS(sent[len(sent)-1]+1)) {
			if err != nil {
				t.Fatalf("round %d: Readings: %v", round, err)
			}
			stored[ms(r.Time)] = true
		}
		s.Close()
		// Nothing stored loses everything since the first reading sent,
		// not since 1970.
		lastStored, anyStored := sent[0], false
		for _, v := range sent {
			if stored[v] {
				lastStored, anyStored = v, true
			}
		}
		last := sent[len(sent)-1]
		if gap := time.Duration(last-lastStored) * time.Millisecond; gap > time.Second {
			t.Errorf("round %d: the last %v of readings are missing, want at most a second", round, gap)
		}
		for _, v := range sent {
			if anyStored && v <= lastStored && !stored[v] {
				t.Errorf("round %d: reading of %v missing before the last one stored", round, fromMS(v))
				break
			}
		}
		t.Logf("round %d: %d readings sent, last %v missing", round, len(sent), time.Duration(last-lastStored)*time.Millisecond)
	}
}

func TestBacklogBounded(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	s.opts.MaxBacklog = 64 << 10
	var ops []op
	for i := range 2000 {
		r := busyReading(base.Add(time.Duration(i)*time.Second), i)
		ops = s.rec.encode(ops[:0], &r)
		s.enqueue(ops)
	}
	h := s.Health()
	if h.BacklogBytes > s.opts.MaxBacklog {
		t.Errorf("backlog holds %d bytes, over its cap of %d", h.BacklogBytes, s.opts.MaxBacklog)
	}
	if h.Dropped == 0 || h.Dropped >= 2000 {
		t.Errorf("dropped %d readings, want some but not all", h.Dropped)
	}
	// Series definitions are never dropped: the newest readings refer to
	// them and must still be writable.
	stmts := &writeStmts{}
	defer stmts.close()
	if err := s.flush(stmts); err != nil {
		t.Fatalf("flush: %v", err)
	}
	var n int
	s.db.QueryRow("SELECT count(*) FROM series").Scan(&n)
	if n != 65 {
		t.Errorf("%d series written, want 65 (status and 64 cores)", n)
	}
	got, err := s.Series(reading.CPUCoreUsage, []reading.Label{{Name: "cpu", Value: "3"}}, base, base.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if pts := got[0].Points; len(pts) == 0 || !pts[len(pts)-1].Time.Equal(base.Add(1999*time.Second)) {
		t.Errorf("the newest reading is not in the database after the backlog overflowed")
	}
}

// TestDiskFull records onto a tiny tmpfs until it is full, checks that
// sensing is never held up, the error is reported and the backlog stays
// bounded, then grows the filesystem and checks that writing resumes.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=512k", "vigia-test", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root and mount): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	s, err := Open(filepath.Join(dir, "vigia.db"), Options{FlushInterval: 20 * time.Millisecond, MaxBacklog: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan reading.Reading)
	done := make(chan error, 1)
	go func() { done <- s.Record(context.Background(), ch) }()

	start := time.Now()
	i := 0
	var slowest time.Duration
	send := func() {
		r := busyReading(start.Add(time.Duration(i)*time.Millisecond), i)
		i++
		t0 := time.Now()
		ch <- r
		slowest = max(slowest, time.Since(t0))
	}
	deadline := time.Now().Add(20 * time.Second)
	for s.Err() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the disk never filled up")
		}
		send()
	}
	t.Logf("disk full after %d readings: %v", i, s.Err())
	for range 5000 {
		send()
	}
	h := s.Health()
	if h.Err == "" || h.ErrSince.IsZero() {
		t.Errorf("Health while the disk is full = %+v, want the error and since when", h)
	}
	if h.BacklogBytes > 1<<20 {
		t.Errorf("backlog %d bytes, over the 1 MiB cap", h.BacklogBytes)
	}
	if h.Dropped == 0 {
		t.Errorf("no readings dropped after 5000 more on a full disk with a 1 MiB backlog")
	}
	if slowest > 500*time.Millisecond {
		t.Errorf("handing a reading to the store took up to %v while the disk was full", slowest)
	}

	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow tmpfs: %v: %s", err, out)
	}
	for s.Err() != nil || s.Health().Backlog > 0 {
		if time.Now().After(deadline.Add(20 * time.Second)) {
			t.Fatalf("writing did not resume after space returned: %+v", s.Health())
		}
		send()
		time.Sleep(5 * time.Millisecond)
	}
	lastSent := ms(start.Add(time.Duration(i-1) * time.Millisecond))
	close(ch)
	if err := <-done; err != nil {
		t.Fatalf("Record after space returned: %v", err)
	}
	got, err := s.Series(reading.CPUCoreUsage, []reading.Label{{Name: "cpu", Value: "0"}}, start, start.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if pts := got[0].Points; ms(pts[len(pts)-1].Time) != lastSent {
		t.Errorf("last stored reading at %v, want the last sent at %v", pts[len(pts)-1].Time, fromMS(lastSent))
	}
	s.Close()
}
