package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

func withExits(ex *reading.Exits) func(*Options) {
	return func(o *Options) {
		st := fixtureState()
		for i := range st.readings {
			if st.readings[i].Sensor == reading.SensorProcesses {
				st.readings[i].Exits = ex
			}
		}
		o.State = st
	}
}

func TestExitedAPI(t *testing.T) {
	t.Parallel()
	exit := t0.Add(-time.Second)
	io := &reading.Exits{Watching: true, Processes: []reading.ExitedProcess{
		{PID: 9, PPID: 1, Comm: "tar", Exit: exit, CPUTime: 1, Final: true, ReadBytes: 1 << 20, WriteBytes: 4096}}}
	tests := []struct {
		name  string
		token string
		exits *reading.Exits
		want  exitedAnswer
	}{
		{name: "I/O with a token", token: "s3cret", exits: io, want: exitedAnswer{Time: t0, Watching: true, Processes: io.Processes}},
		{name: "I/O withheld without one", exits: io, want: exitedAnswer{Time: t0, Watching: true, NeedsToken: exitsIO,
			Processes: []reading.ExitedProcess{{PID: 9, PPID: 1, Comm: "tar", Exit: exit, CPUTime: 1, Final: true}}}},
		{name: "watching, busiest first", exits: &reading.Exits{Watching: true, Lost: 3, Processes: []reading.ExitedProcess{
			{PID: 7, PPID: 1, Comm: "true", Exit: exit, CPUTime: 0.01, Final: true},
			{PID: 8, PPID: 1, Comm: "cc1", Exit: exit, CPUTime: 2, Final: true, Signal: 11, CoreDumped: true},
		}}, want: exitedAnswer{Time: t0, Watching: true, Lost: 3, NeedsToken: exitsIO, Processes: []reading.ExitedProcess{
			{PID: 8, PPID: 1, Comm: "cc1", Exit: exit, CPUTime: 2, Final: true, Signal: 11, CoreDumped: true},
			{PID: 7, PPID: 1, Comm: "true", Exit: exit, CPUTime: 0.01, Final: true},
		}}},
		{name: "from taskstats, with overflows", token: "s3cret", exits: &reading.Exits{Watching: true, Taskstats: true, TaskstatsLost: 2,
			TaskstatsLostTotal: 5, Processes: []reading.ExitedProcess{{PID: 9, PPID: 1, Comm: "tar", Exit: exit, CPUTime: 1, Final: true, Taskstats: true}}},
			want: exitedAnswer{Time: t0, Watching: true, Taskstats: true, TaskstatsLost: 2,
				Processes: []reading.ExitedProcess{{PID: 9, PPID: 1, Comm: "tar", Exit: exit, CPUTime: 1, Final: true, Taskstats: true}}}},
		{name: "not permitted", exits: &reading.Exits{Processes: []reading.ExitedProcess{}},
			want: exitedAnswer{Time: t0, NeedsToken: exitsIO, Processes: []reading.ExitedProcess{}}},
		{name: "no source", want: exitedAnswer{Time: t0, NeedsToken: exitsIO, Processes: []reading.ExitedProcess{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t, func(o *Options) {
				withExits(tt.exits)(o)
				o.Token = tt.token
			})
			w := get(t, s.Handler(), "GET", "/api/v1/processes/exited", "Authorization", "Bearer "+tt.token)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var got exitedAnswer
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("exited mismatch (-want +got):\n%s", diff)
			}
			if w := get(t, s.Handler(), "GET", "/api/v1/snapshot", "Authorization", "Bearer "+tt.token); strings.Contains(w.Body.String(), `"exits"`) {
				t.Errorf("snapshot without processes carries the exits: %s", w.Body)
			}
			w = get(t, s.Handler(), "GET", "/api/v1/sensors/processes?processes=true", "Authorization", "Bearer "+tt.token)
			if leaks := strings.Contains(w.Body.String(), `"io_read_bytes":1048576`); leaks != (tt.token != "" && tt.exits == io) {
				t.Errorf("sensor answer with processes shows the exits' I/O = %v with token %q: %s", leaks, tt.token, w.Body)
			}
		})
	}
	s, _ := newTestServer(t, nil)
	if w := get(t, s.Handler(), "GET", "/api/v1/processes/exited?sort=cpu"); w.Code != 400 {
		t.Errorf("unknown query parameter: status %d, want 400", w.Code)
	}
}
