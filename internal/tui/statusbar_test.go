package tui

import (
	"github.com/vigia-dev/vigia/internal/reading"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestStatusBarKeepsQuit: a narrow terminal drops the least needed hints
// first; the way out stays while it fits at all.
func TestStatusBarKeepsQuit(t *testing.T) {
	t.Parallel()
	for _, w := range []int{20, 40, 60, 80, 100} {
		t.Run(strconv.Itoa(w), func(t *testing.T) {
			t.Parallel()
			m := newModel(Options{Signaller: &fakeSignaller{}}, machine(true), w, 24)
			f := m.render()
			bar := f[strings.LastIndex(f, "\n")+1:]
			if !strings.Contains(bar, "q quit") || strings.Contains(bar, "…") {
				t.Errorf("status bar at %d columns: %q", w, bar)
			}
		})
	}
}

// TestCutTextsEndWithEllipsis: a text cut to its room says so with an
// ellipsis, an alert's message and a command as much as a mount point.
func TestCutTextsEndWithEllipsis(t *testing.T) {
	t.Parallel()
	msg := "the load has stayed above the number of cores for a long while, see the runbook"
	a := loadReading(base)
	a.Transitions = []reading.Transition{{Rule: "load", Sensor: reading.SensorLoad,
		Metric: reading.Load1, From: reading.Normal, To: reading.Critical, Value: 70.5, Time: base, Since: base, Message: msg}}
	for _, size := range [][2]int{{80, 24}, {160, 50}} {
		m := newModel(Options{}, append(machine(true), a), size[0], size[1])
		f := m.render()
		var alert, command string
		for _, l := range strings.Split(f, "\n") {
			switch {
			case strings.Contains(l, "load.1") && alert == "":
				alert = l
			case strings.Contains(l, "/usr/lib/jvm/java-21/bin/java"):
				command = l
			}
		}
		cuts := []string{command}
		if size[0] == 160 {
			cuts = append(cuts, alert) // the one-line form has no message
		}
		for _, l := range cuts {
			if !strings.Contains(l, "…") {
				t.Errorf("%dx%d: a cut line without an ellipsis: %q\n%s", size[0], size[1], l, f)
			}
		}
	}
	r := newRow(10)
	r.add(paint{}, "abc")
	r.add(paint{}, "defghijklmn")
	r.add(paint{}, "xyz")
	if got := r.done(); got != "abcdefghi…" {
		t.Errorf("row cut to %q, want %q", got, "abcdefghi…")
	}
	r.reset(10)
	r.add(paint{}, "abc         ")
	r.add(paint{}, "x")
	if got := r.done(); got != "abc       " {
		t.Errorf("blanks that only pad were cut as text: %q", got)
	}
}

// TestLabelsKeepTheirValues: at any width a label is shown with its whole
// value or not at all.
func TestLabelsKeepTheirValues(t *testing.T) {
	t.Parallel()
	labelled := regexp.MustCompile(`(every|CPU%|vigia|swap|cgroup|per core|psi10 cpu|memory|io|Core \d|acpitz|eth0|wlan0|/boot/efi|r|w)( +|$)(\S*)`)
	for w := 30; w <= 100; w++ {
		m := newModel(Options{}, machine(true), w, 24)
		lines := strings.Split(m.render(), "\n")
		for _, l := range lines[:8] {
			for _, g := range labelled.FindAllStringSubmatch(strings.TrimRight(l, " "), -1) {
				if g[3] == "" || strings.Contains(g[3], "…") {
					t.Errorf("%d columns: %q without its whole value in %q", w, g[1], l)
				}
			}
		}
	}
}
