package tui

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

// churnMachine is the fixture machine whose shell (PID 4242) ran many
// short jobs in the last interval: their CPU shows as its children's, 37
// forks a second, and what exited, or that it cannot be seen.
func churnMachine(exits *reading.Exits) []reading.Reading {
	rs := machine(true)
	for i := range rs {
		if rs[i].Sensor != reading.SensorProcesses {
			continue
		}
		ps := append(fixtureProcs(), reading.Process{PID: 4242, PPID: 1, User: "alice", State: "S", Comm: "sh",
			Cmdline: "sh build.sh", ChildrenCPUPercent: 187.5, ChildrenCPUTime: 812.25, Start: rs[i].Time.Add(-time.Hour)})
		rs[i] = procReading(rs[i].Time, ps)
		rs[i].Metrics = append(rs[i].Metrics, reading.Metric{Name: reading.ProcsForks, Value: 37.4, Unit: reading.PerSecond})
		rs[i].Exits = exits
	}
	return rs
}

func churnExits(at time.Time) *reading.Exits {
	return &reading.Exits{Watching: true, Lost: 2, Processes: []reading.ExitedProcess{
		{PID: 5001, PPID: 4242, Comm: "cc1", Cmdline: "/usr/lib/gcc/cc1 -quiet main.c -o /tmp/ccA.s", Start: at.Add(-1500 * time.Millisecond),
			Exit: at.Add(-200 * time.Millisecond), Lifetime: 1.3, CPUTime: 1.21, ReadBytes: 3 << 20, WriteBytes: 240 << 10, Final: true},
		{PID: 5002, PPID: 4242, Comm: "grep", Cmdline: "grep -q needle haystack", Exit: at.Add(-100 * time.Millisecond),
			Lifetime: 0.02, CPUTime: 0.01, Final: true, Status: 1},
		{PID: 5003, PPID: 4242, Comm: "crashy", Cmdline: "./crashy --now", Exit: at.Add(-50 * time.Millisecond),
			Lifetime: 0.3, Signal: 11, CoreDumped: true},
	}}
}

// acctExits are churnExits with CPU and I/O from taskstats, whose socket
// overflowed once.
func acctExits(at time.Time) *reading.Exits {
	ex := churnExits(at)
	ex.Taskstats, ex.TaskstatsLost, ex.TaskstatsLostTotal, ex.Lost = true, 1, 3, 0
	for i := range ex.Processes[:2] {
		ex.Processes[i].Taskstats = true
	}
	return ex
}

// childInspector reads the shell as the process table's detail would.
type childInspector struct{}

func (childInspector) Detail(pid int32) (reading.ProcessDetail, error) {
	if pid == 4242 {
		return reading.ProcessDetail{Process: reading.Process{PID: 4242, PPID: 1, User: "alice", State: "S", Comm: "sh",
			Cmdline: "sh build.sh", ChildrenCPUTime: 812.25}}, nil
	}
	return fakeInspector{}.Detail(pid)
}

func TestExitedFrames(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		lang  text.Lang
		exits *reading.Exits
		keys  []string
		sizes [][2]int
	}{
		{name: "exited", exits: churnExits(at), keys: []string{"X"}, sizes: [][2]int{{80, 24}, {160, 50}}},
		{name: "es-exited", lang: text.Spanish, exits: churnExits(at), keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		{name: "exited-taskstats", exits: acctExits(at), keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		{name: "es-exited-taskstats", lang: text.Spanish, exits: acctExits(at), keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		{name: "exited-unseen", exits: &reading.Exits{Processes: []reading.ExitedProcess{}}, keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		{name: "es-exited-unseen", lang: text.Spanish, exits: &reading.Exits{Processes: []reading.ExitedProcess{}}, keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		{name: "exited-none-here", keys: []string{"X"}, sizes: [][2]int{{80, 24}}},
		// The fork rate in the status line; X again goes back.
		{name: "churn", exits: churnExits(at), keys: []string{"X", "X"}, sizes: [][2]int{{160, 50}}},
		{name: "children-detail", keys: []string{"/", "b", "u", "i", "l", "d", "enter", "enter"}, sizes: [][2]int{{80, 24}}},
	}
	for _, tt := range tests {
		for _, size := range tt.sizes {
			name := tt.name + "-" + strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Options{Text: text.For(tt.lang), Inspector: childInspector{}, Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) {}}
				m := newModel(opts, churnMachine(tt.exits), size[0], size[1])
				keys(m, tt.keys...)
				frame := m.render()
				checkFrame(t, frame, size[0], size[1])
				checkGolden(t, name, frame)
			})
		}
	}
}

// TestExitedReplayFrames: replayed from the history, the exited view lists
// the exits kept one by one and counts the ones kept only as a sum, in
// both languages, without naming a source of CPU and I/O it does not know.
func TestExitedReplayFrames(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ch := make(chan reading.Reading, 16)
	done := make(chan error, 1)
	go func() { done <- s.Record(context.Background(), ch) }()
	for i := range 10 {
		at := base.Add(time.Duration(i) * time.Second)
		r := replayJob(at, i)
		if i == 5 {
			ex := churnExits(at)
			for j := range 12 { // cheap jobs that ended well: only their sum is kept
				ex.Processes = append(ex.Processes, reading.ExitedProcess{PID: int32(6000 + j), PPID: 4242, Comm: "true",
					Cmdline: "true", Exit: at.Add(-time.Duration(300+j) * time.Millisecond), Lifetime: 0.001, CPUTime: 0.004, Final: true})
			}
			r.Exits = ex
		}
		ch <- r
	}
	close(ch)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		m := New(Options{Hostname: "db-7", Text: text.For(lang), Replay: &Replay{Source: s, From: base, To: base.Add(10 * time.Second)}}, colorprofile.NoTTY)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		for range 20 {
			if m.replay.clock.Equal(base.Add(5 * time.Second)) {
				break
			}
			keys(m, ".")
		}
		if want := base.Add(5 * time.Second); !m.replay.clock.Equal(want) {
			t.Fatalf("clock %s, want %s", m.replay.clock, want)
		}
		keys(m, "X")
		frame := m.render()
		checkFrame(t, frame, 80, 24)
		want := []string{"Exited in the last interval: 17", "12 more, kept only as a sum", "cc1", "sig 11 core"}
		if lang == text.Spanish {
			want = []string{"Terminados en el último intervalo: 17", "12 más, guardados solo como suma", "cc1", "señ 11 core"}
		}
		for _, w := range want {
			if !strings.Contains(frame, w) {
				t.Errorf("replayed exited view lacks %q:\n%s", w, frame)
			}
		}
		name := "exited-replay-80x24"
		if lang == text.Spanish {
			name = "es-" + name
		}
		checkGolden(t, name, frame)
	}
}
