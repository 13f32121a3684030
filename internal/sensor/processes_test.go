package sensor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var procsT0 = time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)

func procsTestClock() procsClock {
	return procsClock{hz: 100, page: 4096, memTotal: 1 << 30, start: func(ticks uint64) time.Time {
		return procsT0.Add(-time.Hour).Add(time.Duration(ticks) * 10 * time.Millisecond)
	}}
}

func TestProcsReading(t *testing.T) {
	t.Parallel()
	entries := []*procfs.ProcEntry{
		{PID: 1, State: 'S', Comm: "init", Cmdline: "/sbin/init", User: "root", Threads: 1, Ticks: 1000, PrevTicks: 900, HasPrev: true, RSSPages: 256, StartTicks: 100},
		{PID: 2, State: 'R', Comm: "burn", Cmdline: "burn", Cgroup: "/user.slice/burn.scope", User: "alice", UID: 1000, PPID: 1, Threads: 3, Ticks: 600, PrevTicks: 200, HasPrev: true},
		{PID: 3, State: 'Z', Comm: "z", Cmdline: "[z]", Threads: 1, Ticks: 50, HasPrev: false},
		{PID: 4, State: 'I', Comm: "kworker/0:1", Cmdline: "[kworker/0:1]", Threads: 1},
		{PID: 5, State: 't', Comm: "traced", Cmdline: "traced", Threads: 1},
		{PID: 6, State: 'D', Comm: "io", Cmdline: "io", Threads: 1},
		{PID: 7, State: 'W', Comm: "odd", Cmdline: "odd", Threads: 2, Ticks: 5, PrevTicks: 10, HasPrev: true},
	}
	r := procsReading(procsT0, entries, 2*time.Second, procsTestClock())

	type row struct {
		PID        int32
		State      string
		CPUPercent float64
		CPUTime    float64
		RSS        uint64
		MemPercent float64
	}
	var gotRows []row
	for _, p := range r.Processes {
		gotRows = append(gotRows, row{p.PID, p.State, p.CPUPercent, p.CPUTime, p.RSS, p.MemPercent})
	}
	wantRows := []row{
		{1, "S", 50, 10, 256 * 4096, 0.09765625},
		{2, "R", 200, 6, 0, 0}, // three threads may use two cores
		{3, "Z", 0, 0.5, 0, 0}, // no previous sample
		{4, "I", 0, 0, 0, 0},
		{5, "t", 0, 0, 0, 0},
		{6, "D", 0, 0, 0, 0},
		{7, "W", 0, 0.05, 0, 0}, // ticks went backwards: no rate rather than a negative one
	}
	if diff := cmp.Diff(wantRows, gotRows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	if got, want := r.Processes[1].Cgroup, "/user.slice/burn.scope"; got != want {
		t.Errorf("cgroup of pid 2 = %q, want %q", got, want)
	}
	if got, want := r.Processes[0].Start, procsT0.Add(-time.Hour).Add(time.Second); !got.Equal(want) {
		t.Errorf("start of pid 1 = %v, want %v", got, want)
	}

	state := func(s string, v float64) reading.Metric {
		return reading.Metric{Name: reading.ProcsState, Labels: []reading.Label{{Name: "state", Value: s}}, Value: v}
	}
	want := []reading.Metric{
		{Name: reading.ProcsCount, Value: 7},
		{Name: reading.ProcsThreads, Value: 10},
		state("running", 1), state("sleeping", 1), state("disk_sleep", 1), state("zombie", 1),
		state("stopped", 1), state("idle", 1), state("other", 1),
	}
	if diff := cmp.Diff(want, r.Metrics); diff != "" {
		t.Errorf("metrics mismatch (-want +got):\n%s", diff)
	}
	if r.Sensor != reading.SensorProcesses || r.Primary != reading.ProcsCount || !r.Time.Equal(procsT0) {
		t.Errorf("reading header = %q %q %v", r.Sensor, r.Primary, r.Time)
	}
}

func TestProcsReadingNoInterval(t *testing.T) {
	t.Parallel()
	e := []*procfs.ProcEntry{{PID: 1, State: 'R', Ticks: 100, PrevTicks: 0, HasPrev: true}}
	for _, dt := range []time.Duration{0, -time.Second} {
		if got := procsReading(procsT0, e, dt, procsTestClock()).Processes[0].CPUPercent; got != 0 {
			t.Errorf("CPU %% with dt %v = %v, want 0 (no division by a zero or negative interval)", dt, got)
		}
	}
	if r := procsReading(procsT0, nil, time.Second, procsTestClock()); len(r.Processes) != 0 || r.Metrics[0].Value != 0 {
		t.Errorf("empty table reading = %+v", r)
	}
}

// TestHiddenNote: the processes reading says other users' processes are
// hidden only to whom /proc hides them.
func TestHiddenNote(t *testing.T) {
	t.Parallel()
	hiding, err := procfs.ParseMountInfo([]byte("22 1 0:21 / /proc rw,nosuid - proc proc rw,gid=27,hidepid=invisible\n"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := procfs.ParseMountInfo([]byte("22 1 0:21 / /proc rw,nosuid - proc proc rw\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ms     []procfs.Mount
		euid   int
		groups []int
		want   string
	}{
		{name: "a user", ms: hiding, euid: 1000, groups: []int{1000}, want: reading.ProcessesHidden},
		{name: "root sees all", ms: hiding, euid: 0, groups: []int{0}},
		{name: "the exempt group sees all", ms: hiding, euid: 1000, groups: []int{1000, 27}},
		{name: "nothing hidden", ms: plain, euid: 1000, groups: []int{1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hiddenNote(tt.ms, "/proc", tt.euid, tt.groups); got != tt.want {
				t.Errorf("hiddenNote() = %q, want %q", got, tt.want)
			}
		})
	}
}
