package store

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// simRecorder drives a Store the way Record does — encode every reading,
// one transaction per half second, maintenance every 5 s — but on a
// simulated clock, so an hour of a 1000-process machine records in seconds.
type simRecorder struct {
	s         *Store
	m         *machine
	now       time.Time
	lastMaint time.Time
	ops       []op
	stmts     writeStmts
	cpu       time.Duration // user+system time spent in the store
}

func newSim(tb testing.TB, path string, nprocs int, start time.Time) *simRecorder {
	sim := &simRecorder{m: newMachine(7, nprocs, start), now: start}
	s, err := Open(path, Options{Now: func() time.Time { return sim.now }})
	if err != nil {
		tb.Fatal(err)
	}
	s.rec.top = s.opts.TopProcesses
	sim.s = s
	tb.Cleanup(sim.stmts.close)
	return sim
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run records d of simulated time.
func (sim *simRecorder) run(tb testing.TB, d time.Duration, timer interface {
	StartTimer()
	StopTimer()
}) {
	end := sim.now.Add(d)
	for sim.now.Before(end) {
		sim.now = sim.now.Add(500 * time.Millisecond)
		rs := sim.m.until(sim.now)
		timer.StartTimer()
		c0 := cpuTime()
		for i := range rs {
			sim.ops = sim.s.rec.encode(sim.ops[:0], &rs[i])
			sim.s.enqueue(sim.ops)
		}
		if err := sim.s.flush(&sim.stmts); err != nil {
			tb.Fatal(err)
		}
		if sim.now.Sub(sim.lastMaint) >= 5*time.Second {
			sim.lastMaint = sim.now
			if err := sim.s.maintain(sim.now); err != nil {
				tb.Fatal(err)
			}
		}
		sim.cpu += cpuTime() - c0
		timer.StopTimer()
	}
}

type nopTimer struct{}

func (nopTimer) StartTimer() {}
func (nopTimer) StopTimer()  {}

// BenchmarkRecord records simulated minutes of a 1000-process machine at
// the default cadence and settings, after an hour of warm-up (so the
// process table, the series and the journal's reused pages are in place);
// -benchtime=60x measures an hour. It reports the CPU the store used as a
// share of one core, and how fast the file grows, scaled to a day.
func BenchmarkRecord(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vigia.db")
	sim := newSim(b, path, 1000, time.Now().Add(-26*time.Hour).Truncate(time.Hour))
	defer sim.s.Close()
	b.StopTimer()
	sim.run(b, time.Hour, nopTimer{})
	size0 := sim.fileSize(b)
	sim.cpu = 0
	b.ResetTimer()
	for range b.N {
		sim.run(b, time.Minute, b)
	}
	simulated := time.Duration(b.N) * time.Minute
	b.ReportMetric(100*sim.cpu.Seconds()/simulated.Seconds(), "%core")
	b.ReportMetric(float64(sim.fileSize(b)-size0)/(1<<20)*(24*time.Hour).Seconds()/simulated.Seconds(), "MiB/day")
	b.ReportMetric(float64(size0)/(1<<20), "MiB@1h")
}

// fileSize compacts the finished spans, folds the WAL into the file
// and returns the file's size.
func (sim *simRecorder) fileSize(tb testing.TB) int64 {
	if err := sim.s.Compact(sim.now); err != nil {
		tb.Fatal(err)
	}
	sim.s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	fi, err := os.Stat(sim.s.path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

// TestMain removes the query benchmarks' day database once they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if day.path != "" {
		os.RemoveAll(filepath.Dir(day.path))
	}
	os.Exit(code)
}

// day is a database holding 24 hours of a 1000-process machine, built once
// for the query benchmarks.
var day struct {
	once sync.Once
	path string
	end  time.Time
	size int64
	err  error
}

func dayDB(b *testing.B) (string, time.Time) {
	day.once.Do(func() {
		dir, err := os.MkdirTemp("", "vigia-store-bench")
		if err != nil {
			day.err = err
			return
		}
		day.path = filepath.Join(dir, "day.db")
		start := time.Now().Add(-24 * time.Hour).Truncate(time.Hour)
		sim := newSim(b, day.path, 1000, start)
		sim.run(b, 24*time.Hour, nopTimer{})
		day.end = sim.now
		day.size = sim.fileSize(b)
		sim.s.Close()
	})
	if day.err != nil {
		b.Fatal(day.err)
	}
	return day.path, day.end
}

// openDay opens the day of history read-only, as the history commands do,
// and closes it when the benchmark ends.
func openDay(b *testing.B) (*Store, time.Time) {
	path, end := dayDB(b)
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, end
}

// BenchmarkHistory24h is `vigia history --since 24h --metric cpu` with the
// default step: one metric over a day, raw samples folded into minutes.
func BenchmarkHistory24h(b *testing.B) {
	s, end := openDay(b)
	b.ReportMetric(float64(day.size)/(1<<20), "MiB-db")
	b.ResetTimer()
	for range b.N {
		got, err := s.Series("cpu", nil, end.Add(-24*time.Hour), end, time.Minute)
		if err != nil || len(got) != 1 || len(got[0].Points) < 1400 {
			b.Fatalf("Series: %v (%d series)", err, len(got))
		}
	}
}

// BenchmarkReport24h is `vigia report --since 24h`.
func BenchmarkReport24h(b *testing.B) {
	s, end := openDay(b)
	b.ResetTimer()
	for range b.N {
		rep, err := s.Report(end.Add(-24*time.Hour), end)
		if err != nil || len(rep.Peaks) != 8 || len(rep.TopCPU) == 0 {
			b.Fatalf("Report: %v, %+v", err, rep)
		}
	}
}

// BenchmarkReplayHour reads an hour back as readings, as `top --replay`
// does.
func BenchmarkReplayHour(b *testing.B) {
	s, end := openDay(b)
	b.ResetTimer()
	for range b.N {
		n := 0
		for _, err := range s.Readings(end.Add(-2*time.Hour), end.Add(-time.Hour)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < 7000 {
			b.Fatalf("replayed %d readings of an hour", n)
		}
	}
}

var _ = reading.SensorCPU
