package tui

import (
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestDiskAbsentMount: a mount point that is not there (a host's mount
// under --rootfs) is unavailable; a hung one is not responding.
func TestDiskAbsentMount(t *testing.T) {
	t.Parallel()
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		d := diskReading(base)
		d.Metrics = append(d.Metrics, mt(reading.FSError, reading.FSErrAbsent, "device", "/dev/sdb1", "fstype", "xfs", "mountpoint", "/backup"))
		m := newModel(Options{Text: text.For(lang)}, append(machine(true), d), 160, 50)
		f := m.render()
		absent, hung := "/backup          unavailable", "/mnt/nas         not responding"
		if lang == text.Spanish {
			absent, hung = "/backup          no disponible", "/mnt/nas         no responde"
		}
		for _, want := range []string{absent, hung} {
			if !strings.Contains(f, want) {
				t.Errorf("%v: disk panel lacks %q:\n%s", lang, want, f)
			}
		}
	}
}
