package store

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigia-dev/vigia/internal/reading"
)

// exitsReading is a procs reading at t carrying exits.
func exitsReading(t time.Time, lost int, ps ...reading.ExitedProcess) reading.Reading {
	return reading.Reading{Sensor: reading.SensorProcesses, Time: t, Primary: reading.ProcsCount,
		Metrics:   []reading.Metric{{Name: reading.ProcsCount, Value: 1}},
		Processes: []reading.Process{{PID: 1, Comm: "init", Start: base.Add(-time.Hour)}},
		Exits:     &reading.Exits{Watching: true, Processes: ps, Lost: lost}}
}

func exited(pid int32, comm string, cpu float64, start, end time.Time) reading.ExitedProcess {
	return reading.ExitedProcess{PID: pid, PPID: 1, Comm: comm, Cmdline: "/bin/" + comm + " -x", Start: start, Exit: end,
		Lifetime: end.Sub(start).Seconds(), CPUTime: cpu, ReadBytes: uint64(pid) << 10, WriteBytes: 4096, Final: true}
}

// TestExitsRecorded: the kept exits come back whole, the rest of a
// reading only in the totals, and each reading adds a bounded number of
// rows however many exited.
func TestExitsRecorded(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	at := base.Add(time.Minute)
	var storm []reading.ExitedProcess
	var total float64
	for i := range 500 { // a fork storm: 500 exits in one pass
		cpu := float64(i) / 100
		total += cpu
		storm = append(storm, exited(int32(1000+i), fmt.Sprintf("job%d", i), cpu, at.Add(-time.Second), at))
	}
	crash := exited(77, "crashy", 0, at.Add(-3*time.Second), at)
	crash.Signal, crash.CoreDumped = 11, true
	storm = append(storm, crash)
	quiet := exited(9, "make\x1b[2J", 12.5, base, base.Add(30*time.Second))
	record(t, s, []reading.Reading{exitsReading(base.Add(30*time.Second), 0, quiet), exitsReading(at, 3, storm...)})

	var rows int
	if err := s.db.QueryRow("SELECT count(*) FROM exits").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if max := 1 + exitsByCPU + exitsNews + 1; rows > max {
		t.Errorf("%d exits rows for 501 exits in 2 readings, want at most %d", rows, max)
	}

	got, err := s.Exits(base, base.Add(2*time.Minute), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 502 || got.Lost != 3 {
		t.Errorf("Count, Lost = %d, %d; want 502, 3", got.Count, got.Lost)
	}
	if want := total + 12.5; got.CPUSeconds < want-1e-6 || got.CPUSeconds > want+1e-6 {
		t.Errorf("CPUSeconds = %g, want %g (the unlisted exits' CPU counted)", got.CPUSeconds, want)
	}
	if got.Unlisted != 500-exitsByCPU {
		t.Errorf("Unlisted = %d, want %d", got.Unlisted, 500-exitsByCPU)
	}
	if len(got.Processes) != 3 {
		t.Fatalf("%d processes, want the 3 asked for", len(got.Processes))
	}
	first := got.Processes[0]
	if first.Comm != quiet.Comm || first.Cmdline != quiet.Cmdline || first.PPID != 1 || first.CPUTime != 12.5 ||
		first.Lifetime != 30 || !first.Final || first.ReadBytes != 9<<10 {
		t.Errorf("busiest exit = %+v, want make's row as recorded", first)
	}
	if got.Processes[1].Comm != "job499" {
		t.Errorf("second = %q, want job499", got.Processes[1].Comm)
	}

	all, err := s.Exits(base, base.Add(2*time.Minute), 0)
	if err != nil {
		t.Fatal(err)
	}
	var sawCrash bool
	for _, p := range all.Processes {
		if p.PID == 77 {
			sawCrash = p.Signal == 11 && p.CoreDumped
		}
	}
	if !sawCrash {
		t.Errorf("the exit on SIGSEGV was not kept with its signal: %+v", all.Processes)
	}
	none, err := s.Exits(base.Add(-time.Hour), base, 0)
	if err != nil || none.Count != 0 {
		t.Errorf("Exits before any = %+v, %v", none, err)
	}
}

// TestExitsRetained: exits go with the processes' retention, and their
// command lines with them once nothing refers to them.
func TestExitsRetained(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	record(t, s, []reading.Reading{exitsReading(base, 0, exited(5, "old", 1, base.Add(-time.Second), base))})
	if _, err := s.retain(base.Add(8*24*time.Hour), 10); err != nil {
		t.Fatal(err)
	}
	var n int
	s.db.QueryRow("SELECT count(*) FROM exits").Scan(&n)
	if n != 0 {
		t.Errorf("%d exits rows past retention, want 0", n)
	}
	s.db.QueryRow("SELECT count(*) FROM cmdlines WHERE comm = 'old'").Scan(&n)
	if n != 0 {
		t.Errorf("the exit's command line outlived it")
	}
}

// TestMigrateToExits: a database at schema 5, with processes recorded,
// gains the exits table and keeps what it held; a read-only open of it
// before says to migrate.
func TestMigrateToExits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := Open(path, Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, []reading.Reading{exitsReading(base, 0)})
	for _, q := range []string{"DROP TABLE exits", "PRAGMA user_version = 5"} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if _, err := Open(path, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Errorf("read-only open at schema 5: %v, want a word to migrate", err)
	}
	s, err = Open(path, Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("migrating from 5: %v", err)
	}
	defer s.Close()
	var procs int
	s.db.QueryRow("SELECT count(*) FROM procs").Scan(&procs)
	if procs != 1 {
		t.Errorf("%d procs rows after the migration, want the 1 recorded", procs)
	}
	record(t, s, []reading.Reading{exitsReading(base.Add(time.Minute), 0, exited(5, "after", 1, base, base.Add(time.Minute)))})
	if ex, err := s.Exits(base, base.Add(2*time.Minute), 0); err != nil || ex.Count != 1 {
		t.Errorf("exits after the migration: %+v, %v", ex, err)
	}
}

// TestExitsEvicted: past the size budget the exits go with the raw span
// they ended in.
func TestExitsEvicted(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	rs := []reading.Reading{exitsReading(base, 0, exited(5, "old", 1, base.Add(-time.Second), base))}
	for i := range 20 {
		rs = append(rs, cpuReading(base.Add(time.Duration(i)*time.Second), i))
	}
	record(t, s, rs)
	if err := s.Compact(base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.evictStep(); err != nil {
		t.Fatal(err)
	}
	var n int
	s.db.QueryRow("SELECT count(*) FROM exits").Scan(&n)
	if n != 0 {
		t.Errorf("%d exits rows after the raw span they ended in was evicted, want 0", n)
	}
}

// TestReplayExits: a replayed processes reading carries the exits recorded
// with it, the kept ones whole and the rest as a count with their CPU, and
// a reading during which nothing exited says so.
func TestReplayExits(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	t1, t2, t3 := base.Add(2*time.Second), base.Add(4*time.Second), base.Add(6*time.Second)
	var storm []reading.ExitedProcess
	for i := range 20 {
		cpu := float64(i) / 1000 // under exitMinCPU but for the last ones
		storm = append(storm, exited(int32(1000+i), fmt.Sprintf("job%d", i), cpu, t1, t2.Add(-time.Duration(i)*time.Millisecond)))
	}
	busy := exited(30, "cc1", 1.25, t1.Add(-time.Second), t2.Add(-300*time.Millisecond))
	crash := exited(77, "crashy\x1b[2J", 0, t1, t2.Add(-100*time.Millisecond))
	crash.Signal, crash.CoreDumped, crash.Final = 11, true, false
	early := exited(9, "make", 0.5, base, t1.Add(-time.Second))
	record(t, s, []reading.Reading{
		exitsReading(t1, 0, early),
		exitsReading(t2, 2, append(storm, busy, crash)...),
		exitsReading(t3, 0),
	})
	got := map[string]*reading.Exits{}
	for r, err := range s.Readings(base, base.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Sensor == reading.SensorProcesses {
			got[r.Time.UTC().Format("05")] = r.Exits
		}
	}
	want := map[string]*reading.Exits{
		"02": {Watching: true, Processes: []reading.ExitedProcess{early}},
		// The busiest three by CPU are kept if they used enough: cc1 and
		// the two costliest jobs (19, 18 ms); the crash is news.
		"04": {Watching: true, Lost: 2, Processes: []reading.ExitedProcess{busy, storm[19], storm[18], crash}},
		"06": {Watching: true},
	}
	// The row of sums holds the 18 others.
	var summed float64
	for _, j := range storm[:18] {
		summed += j.CPUTime
	}
	want["04"].Summed, want["04"].SummedCPU = 18, summed
	opts := []cmp.Option{
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 0.002 }),
		cmpopts.SortSlices(func(a, b reading.ExitedProcess) bool { return a.PID < b.PID }),
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("replayed exits mismatch (-want +got):\n%s", diff)
	}
}

// TestReplayExitsAcrossSpans: an exit just before the start of a span of
// the history, carried by the first reading after it, comes back with that
// reading, not lost between the two windows the replay reads.
func TestReplayExitsAcrossSpans(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	edge := time.UnixMilli(ms(base) - mod(ms(base), spanMS) + spanMS)
	t1, t2 := edge.Add(-time.Second), edge.Add(time.Second)
	late := exited(40, "late", 0.5, edge.Add(-2*time.Second), edge.Add(-500*time.Millisecond))
	record(t, s, []reading.Reading{exitsReading(t1, 0), exitsReading(t2, 0, late)})
	var got []reading.ExitedProcess
	var n int
	for r, err := range s.Readings(edge.Add(-time.Minute), edge.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Sensor == reading.SensorProcesses {
			n++
			if r.Time.Equal(t2) && r.Exits != nil {
				got = r.Exits.Processes
			}
		}
	}
	if n != 2 || len(got) != 1 || got[0].PID != 40 {
		t.Errorf("%d processes readings, exits at %s = %+v; want 2 readings and the late exit", n, t2.Format(time.TimeOnly), got)
	}
}

// TestMaintainRetainsWithinAMinute: once a look past retention found
// nothing, the next is a minute later, so a row comes due at most that
// long before it goes; while looks find rows, every step looks again.
func TestMaintainRetainsWithinAMinute(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	record(t, s, []reading.Reading{exitsReading(base, 0, exited(5, "old", 1, base.Add(-time.Second), base))})
	count := func() (n int) {
		t.Helper()
		if err := s.db.QueryRow("SELECT count(*) FROM exits").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	due := base.Add(s.opts.Raw) // the exit is past retention from here
	// The first steps compact the recorded span; the last finds nothing
	// past retention, so the next look is a minute away.
	for range 3 {
		if err := s.maintain(due.Add(-30 * time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		at   time.Time
		want int
	}{
		{due.Add(10 * time.Second), 1}, // due, but within that minute
		{due.Add(31 * time.Second), 0},
	}
	for _, st := range steps {
		if err := s.maintain(st.at); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != st.want {
			t.Errorf("after maintain at due%+v: %d exits rows, want %d", st.at.Sub(due), n, st.want)
		}
	}
}
