package sensor

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestLastPassFillsExitsWithoutTheirCount checks that an exit whose own
// count never came gets the CPU time its last pass saw, and that nothing
// else changes: a final exit, one of another process that reused the PID,
// one whose last pass is forgotten, one that had more already.
func TestLastPassFillsExitsWithoutTheirCount(t *testing.T) {
	t.Parallel()
	boot := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	start := func(ticks uint64) time.Time { return boot.Add(time.Duration(ticks) * 10 * time.Millisecond) }
	now := boot.Add(time.Hour)
	var l lastPass
	l.note(now.Add(-20*time.Second), []procfs.GoneProcess{{PID: 40, StartTicks: 100, Ticks: 900}}, 100, start)
	l.note(now, []procfs.GoneProcess{
		{PID: 10, StartTicks: 1000, Ticks: 515}, // spun for seconds, exit count lost
		{PID: 11, StartTicks: 2000, Ticks: 300}, // final: its own count stands
		{PID: 12, StartTicks: 3000, Ticks: 700}, // its PID now another process's
		{PID: 13, StartTicks: 4000, Ticks: 5},   // had more at its exec than ticks say
	}, 100, start)
	ex := &reading.Exits{Processes: []reading.ExitedProcess{
		{PID: 10, Start: start(1000).Add(300 * time.Millisecond), CPUTime: 0},
		{PID: 11, Start: start(2000), CPUTime: 3.2, Final: true, Taskstats: true},
		{PID: 12, Start: start(3000).Add(time.Minute), CPUTime: 0.1},
		{PID: 13, Start: start(4000), CPUTime: 0.2},
		{PID: 40, Start: start(100), CPUTime: 0},  // gone 20 s ago: forgotten
		{PID: 50, Start: start(5000), CPUTime: 0}, // never seen
	}}
	l.fill(ex)
	want := []float64{5.15, 3.2, 0.1, 0.2, 0, 0}
	for i, e := range ex.Processes {
		if e.CPUTime != want[i] {
			t.Errorf("exit %d: CPU %v, want %v", e.PID, e.CPUTime, want[i])
		}
	}
	if _, ok := l.seen[40]; ok {
		t.Error("a process gone 20 s ago is still remembered")
	}
	l.fill(nil) // a read with no exit watch
}
