package explain

import (
	"testing"
	"time"
)

// TestExited: every exit counts in the total, the row of those recorded
// only as sums too; the listed ones are the busiest, each with its share;
// the span before's exits are brought to the window's length.
func TestExited(t *testing.T) {
	t.Parallel()
	before := Span{Covered: 4 * time.Minute, Exits: []Exit{{Subject: proc("", "cron", 7), CPUSeconds: 2, Count: 1}}}
	window := Span{Covered: time.Minute, ExitsLost: 2, Exits: []Exit{
		{Subject: proc("", "gzip", 10), CPUSeconds: 6, Count: 1, Signal: "SIGKILL"},
		{Subject: proc("", "sh", 11), CPUSeconds: 1, Count: 1},
		{CPUSeconds: 3, Count: 40},
	}}
	got := Explain(before, window).Exited
	if got.Count != 42 || got.CPUSeconds != 10 || got.Before != 0.5 || got.Delta != 9.5 || got.Lost != 2 {
		t.Errorf("exited = count %d, CPU %v, before %v, delta %v, lost %d; want 42, 10, 0.5, 9.5, 2",
			got.Count, got.CPUSeconds, got.Before, got.Delta, got.Lost)
	}
	if len(got.Processes) != 2 || got.Processes[0].Name != "gzip" || got.Processes[0].Share != 0.6 || got.Processes[1].Share != 0.1 {
		t.Errorf("listed = %+v, want gzip (60 %%) then sh (10 %%)", got.Processes)
	}
}

// TestExitedFromTable: without the kernel's process events, the
// processes the table saw end stand in.
func TestExitedFromTable(t *testing.T) {
	t.Parallel()
	window := Span{Covered: time.Minute, Usage: []Usage{
		{Subject: proc("4", "cc1", 400), CPUSeconds: 3, Exited: true},
		{Subject: proc("5", "make", 500), CPUSeconds: 9},
	}}
	got := Explain(Span{}, window).Exited
	if got.Count != 1 || got.CPUSeconds != 3 || len(got.Processes) != 1 || got.Processes[0].PID != 400 {
		t.Errorf("exited = %+v, want cc1 alone with its 3 CPU-s", got)
	}
}
