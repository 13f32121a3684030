package tui

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestNeedsRootFrames: run unprivileged on a machine whose sensor inputs
// only root may read, the temperature panel says so, in each language,
// rather than that there are no sensors.
func TestNeedsRootFrames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang text.Lang
		code string
	}{{text.English, "en"}, {text.Spanish, "es"}} {
		lang, name := tt.lang, "needsroot-"+tt.code+"-80x24"
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rs := machine(false)
			for i := range rs {
				if rs[i].Sensor == reading.SensorTemperature {
					rs[i].Note = reading.TemperatureNeedsRoot
				}
			}
			opts := Options{Text: text.For(lang), Inspector: fakeInspector{}, Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) {}}
			m := newModel(opts, rs, 80, 24)
			frame := m.render()
			checkFrame(t, frame, 80, 24)
			checkGolden(t, name, frame)
		})
	}
}

// TestHiddenProcsFrames: where /proc hides other users' processes, the
// count in the status bar says it is of this user's alone.
func TestHiddenProcsFrames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang text.Lang
		code string
	}{{text.English, "en"}, {text.Spanish, "es"}} {
		name := "hiddenprocs-" + tt.code + "-160x50"
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rs := machine(true)
			for i := range rs {
				if rs[i].Sensor == reading.SensorProcesses {
					rs[i].Note = reading.ProcessesHidden
				}
			}
			opts := Options{Text: text.For(tt.lang), Inspector: fakeInspector{}, Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) {}}
			m := newModel(opts, rs, 160, 50)
			frame := m.render()
			checkFrame(t, frame, 160, 50)
			checkGolden(t, name, frame)
		})
	}
}
