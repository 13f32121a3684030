package store

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestTopsKeepDiskHogs: with two per list, the top lists keep the two
// busiest processes by CPU, the two largest, and the two with the most
// storage I/O, which use little of either; a process with no I/O is not
// kept to fill the I/O list.
func TestTopsKeepDiskHogs(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	s.opts.TopProcesses = 2
	start := base.Add(-time.Hour)
	ps := []reading.Process{
		{PID: 1, Comm: "cpu1", Start: start, CPUPercent: 90, RSS: 1e6},
		{PID: 2, Comm: "cpu2", Start: start, CPUPercent: 80, RSS: 1e6, WriteRate: 5e6},
		{PID: 3, Comm: "mem1", Start: start, CPUPercent: 1, RSS: 9e9},
		{PID: 4, Comm: "mem2", Start: start, CPUPercent: 1, RSS: 8e9},
		{PID: 5, Comm: "backup", Start: start, CPUPercent: 0.5, RSS: 2e6, ReadRate: 300e6},
		{PID: 6, Comm: "fsync", Start: start, CPUPercent: 0.2, RSS: 3e6, WriteRate: 64 << 20},
		{PID: 7, Comm: "quiet", Start: start, CPUPercent: 0.3, RSS: 4e6},
		{PID: 8, Comm: "trickle", Start: start, CPUPercent: 0.1, RSS: 1e6, WriteRate: 10},
	}
	record(t, s, []reading.Reading{{Sensor: reading.SensorProcesses, Time: base, Primary: reading.ProcsCount, Processes: ps}})
	var got []string
	for r, err := range s.Readings(base, base.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Processes {
			got = append(got, p.Comm)
		}
	}
	slices.Sort(got)
	want := []string{"backup", "cpu1", "cpu2", "fsync", "mem1", "mem2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recorded top processes (-want +got):\n%s", diff)
	}
}
