package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// eventReadings are a cgroups reading with an OOM kill, a throttling burst
// and a pressure crossing, and a processes reading with a start and an
// exit.
func eventReadings(t time.Time) []reading.Reading {
	cg := reading.Reading{Sensor: reading.SensorCgroups, Time: t.Add(-30 * time.Second), Events: []reading.Event{
		{Time: t.Add(-30 * time.Second), Kind: reading.EventThrottled, Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 20, Value: 1.2},
		{Time: t.Add(-20 * time.Second), Kind: reading.EventPressure, Resource: "memory", Value: 12.5},
		{Time: t.Add(-10 * time.Second), Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 1},
	}}
	ps := procReading(t, fixtureProcs())
	ps.Events = []reading.Event{
		{Time: t, Kind: reading.EventProcessStart, PID: 5151, Comm: "make", Count: 1},
		{Time: t, Kind: reading.EventProcessExit, PID: 5150, Comm: "cc1", Count: 1, Value: 3.5},
		{Time: t, Kind: reading.EventProcessExit, Count: 12},
		{Time: t, Kind: reading.EventProcessExit, PID: 5149, Comm: "crashy", Count: 1, Value: 0.4, Resource: "SIGSEGV", Detail: "core"},
	}
	return []reading.Reading{cg, ps}
}

// TestEventsFrames draws the events view, newest first, in both languages
// at both sizes.
func TestEventsFrames(t *testing.T) {
	t.Parallel()
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			name := "events-" + strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
			if lang == text.Spanish {
				name = "es-" + name
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Options{Text: text.For(lang), Inspector: fakeInspector{}}
				m := newModel(opts, append(machine(true), eventReadings(base)...), size[0], size[1])
				keys(m, "e")
				frame := m.render()
				checkFrame(t, frame, size[0], size[1])
				checkGolden(t, name, frame)
			})
		}
	}
}

// TestEventsViewKeys: e opens the view and closes it, down scrolls back in
// time, esc goes back, and an empty log says so.
func TestEventsViewKeys(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 80, 24)
	keys(m, "e")
	if m.view != viewEvents {
		t.Fatalf("after e: view %d, want the events view", m.view)
	}
	// The alerts of the fixture are events too; none of the sensors'.
	if f := m.render(); !strings.Contains(f, "OK→CRIT") {
		t.Errorf("events view without the fixture's alerts:\n%s", f)
	}
	keys(m, "e")
	if m.view != viewMain {
		t.Fatalf("after e again: view %d, want the main view", m.view)
	}
	m = newModel(Options{}, append(machine(true), eventReadings(base)...), 80, 10)
	keys(m, "e")
	first := strings.Split(m.render(), "\n")[2]
	keys(m, "down")
	if second := strings.Split(m.render(), "\n")[2]; second == first {
		t.Errorf("down did not scroll: first row still %q", second)
	}
	keys(m, "esc")
	if m.view != viewMain {
		t.Errorf("after esc: view %d, want the main view", m.view)
	}
	m = newModel(Options{}, nil, 80, 24)
	keys(m, "e")
	if f := m.render(); !strings.Contains(f, "nothing has happened yet") {
		t.Errorf("empty events view:\n%s", f)
	}
}

// TestEventsPaneFrames draws the main view with events: the alerts panel
// shows the latest OOM kill, throttling burst and pressure crossing under
// its alerts.
func TestEventsPaneFrames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		lang text.Lang
		size [2]int
	}{{"events-pane-160x50", text.English, [2]int{160, 50}}, {"es-events-pane-80x24", text.Spanish, [2]int{80, 24}}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newModel(Options{Text: text.For(tt.lang), Inspector: fakeInspector{}}, append(machine(true), eventReadings(base)...), tt.size[0], tt.size[1])
			frame := m.render()
			checkFrame(t, frame, tt.size[0], tt.size[1])
			checkGolden(t, tt.name, frame)
		})
	}
}
