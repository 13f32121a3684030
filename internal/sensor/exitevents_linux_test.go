package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestWithExitSignals(t *testing.T) {
	at := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	seen := reading.Event{Time: at, Kind: reading.EventProcessExit, PID: 10, Comm: "nginx", Count: 1, Value: 60}
	started := reading.Event{Time: at, Kind: reading.EventProcessStart, PID: 11, Comm: "sh", Count: 1}
	exits := &reading.Exits{Processes: []reading.ExitedProcess{
		{PID: 10, Comm: "nginx", Signal: 11, CoreDumped: true, Exit: at},              // the diff saw it end
		{PID: 12, Comm: "job", Signal: 9, Lifetime: 0.02, Exit: at.Add(-time.Second)}, // too short for the diff
		{PID: 13, Comm: "true", Status: 0, Exit: at},                                  // a clean end: not news
		{PID: 14, Comm: "odd", Signal: 77, Exit: at},                                  // no name for it
	}}
	got := withExitSignals([]reading.Event{seen, started}, exits)
	want := []reading.Event{
		{Time: at, Kind: reading.EventProcessExit, PID: 10, Comm: "nginx", Count: 1, Value: 60, Resource: "SIGSEGV", Detail: CoreDumped},
		started,
		{Time: at.Add(-time.Second), Kind: reading.EventProcessExit, PID: 12, Comm: "job", Count: 1, Value: 0.02, Resource: "SIGKILL"},
		{Time: at, Kind: reading.EventProcessExit, PID: 14, Comm: "odd", Count: 1, Resource: "signal 77"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withExitSignals (-want +got):\n%s", diff)
	}
	if got := withExitSignals([]reading.Event{seen}, nil); !cmp.Equal(got, []reading.Event{seen}) {
		t.Errorf("without a process-events source the events changed: %v", got)
	}
	var many reading.Exits
	for i := range 100 {
		many.Processes = append(many.Processes, reading.ExitedProcess{PID: int32(100 + i), Signal: 9})
	}
	if got := withExitSignals(nil, &many); len(got) != maxSignalExits {
		t.Errorf("a crash loop of 100 added %d events, want %d", len(got), maxSignalExits)
	}
}
