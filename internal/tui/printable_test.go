package tui

import (
	"fmt"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestViewsPrintable runs names a process, a mount or a rule chose through
// every view: none of them may reach the terminal as a control.
func TestViewsPrintable(t *testing.T) {
	t.Parallel()
	rs := append(machine(true), golden.HostileReadings(base.Add(1))...)
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		for _, keysPressed := range [][]string{nil, {"t"}, {"enter"}, {"k"}, {"T"}} {
			opts := Options{Inspector: fakeInspector{}, Signaller: &fakeSignaller{}}
			m := newModel(opts, rs, size[0], size[1])
			keys(m, keysPressed...)
			t.Run(fmt.Sprintf("%dx%d%v", size[0], size[1], keysPressed), func(t *testing.T) {
				golden.Printable(t, "frame", m.render())
			})
		}
	}
	// The failed sensor's error, a note and the hostile disk stay on screen.
	m := newModel(Options{}, append(rs, reading.Reading{Sensor: reading.SensorCPU, Time: base.Add(2), Err: golden.Hostile[0]}), 200, 60)
	golden.Printable(t, "frame with a failed sensor", m.render())
}
