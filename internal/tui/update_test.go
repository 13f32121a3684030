package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

func shownPIDs(m *Model) []int32 {
	var out []int32
	for _, r := range m.table.rows {
		out = append(out, m.table.procs[r.i].PID)
	}
	return out
}

func selectedPID(m *Model) int32 {
	p, ok := m.table.selected()
	if !ok {
		return -1
	}
	return p.PID
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestSortKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys  []string
		first []int32
	}{
		{nil, []int32{4194304, 1203, 900}},                 // CPU, largest first
		{[]string{"M"}, []int32{4194304, 812, 1204}},       // memory
		{[]string{"M", "M"}, []int32{2, 15, 1303}},         // memory again: reversed, ties by PID
		{[]string{"N"}, []int32{1, 2, 15}},                 // PID ascending
		{[]string{"N", "r"}, []int32{4194304, 2029, 2028}}, // reversed
		{[]string{"T"}, []int32{4194304, 900, 812}},        // CPU time
		{[]string{"T", ">"}, []int32{1204, 812, 1}},        // next column: storage reads
		{[]string{"T", ">", ">"}, []int32{812, 1204, 1}},   // writes
		{[]string{"U"}, []int32{4194304, 1200, 1201}},      // user: "" (uid only) first
		{[]string{"N", ">"}, []int32{4194304, 1200, 1201}}, // next column: user
		{[]string{"N", "<"}, []int32{1303, 1200, 1300}},    // previous column wraps to command
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ""), func(t *testing.T) {
			t.Parallel()
			m := newModel(Options{}, machine(true), 160, 50)
			keys(m, tt.keys...)
			if diff := cmp.Diff(tt.first, shownPIDs(m)[:3]); diff != "" {
				t.Errorf("after %q first rows mismatch (-want +got):\n%s", tt.keys, diff)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	keys(m, "/", "S", "L", "E", "E")
	if !m.table.typing {
		t.Fatal("filter not active after /")
	}
	if diff := cmp.Diff([]int32{1201}, shownPIDs(m)); diff != "" {
		t.Errorf("filter SLEE (-want +got):\n%s", diff)
	}
	if !strings.Contains(m.render(), "filter: SLEE") {
		t.Errorf("status bar does not show the filter being typed:\n%s", m.render())
	}
	keys(m, "backspace", "backspace", "backspace", "backspace", "1", "2", "0", "enter")
	// PID prefix 120 and user/command matches for "120".
	if diff := cmp.Diff([]int32{1200, 1201, 1202, 1203, 1204}, sorted(shownPIDs(m))); diff != "" {
		t.Errorf("filter S120 by pid (-want +got):\n%s", diff)
	}
	keys(m, "/", "backspace", "backspace", "backspace", "backspace", "b", "o", "b", "enter")
	if diff := cmp.Diff([]int32{1300, 1301, 1302}, sorted(shownPIDs(m))); diff != "" {
		t.Errorf("filter bob by user (-want +got):\n%s", diff)
	}
	keys(m, "esc") // clears the filter, does not quit
	if m.table.filter != "" || len(m.table.rows) != len(fixtureProcs()) {
		t.Errorf("esc left filter %q and %d rows", m.table.filter, len(m.table.rows))
	}
	keys(m, "/", "z", "z", "z", "enter")
	if !strings.Contains(m.render(), "no process matches “zzz”") {
		t.Errorf("empty filter result not explained:\n%s", m.render())
	}
}

func sorted(p []int32) []int32 { p = slices.Clone(p); slices.Sort(p); return p }

func TestSelectionFollowsPID(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	keys(m, "down", "down") // 900, nginx
	if got := selectedPID(m); got != 900 {
		t.Fatalf("selected %d, want 900", got)
	}
	ps := fixtureProcs()
	for i := range ps {
		if ps[i].PID == 900 {
			ps[i].CPUPercent = 0 // falls to the bottom half of the table
		}
	}
	m.Update(readingsMsg{procReading(base.Add(time.Second), ps)})
	if got := selectedPID(m); got != 900 {
		t.Errorf("after re-sort selected %d, want 900", got)
	}
	if i := slices.Index(shownPIDs(m), 900); m.table.sel != i {
		t.Errorf("selection row %d, nginx is at %d", m.table.sel, i)
	}
	if !strings.Contains(m.render(), "›    900 www-data") {
		t.Errorf("the selected row is not marked in the frame:\n%s", m.render())
	}
	// The process exits: the selection stays at the same row.
	ps = slices.DeleteFunc(ps, func(p reading.Process) bool { return p.PID == 900 })
	row := m.table.sel
	m.Update(readingsMsg{procReading(base.Add(2*time.Second), ps)})
	if m.table.sel != min(row, len(ps)-1) || selectedPID(m) == 900 {
		t.Errorf("after exit selection row %d pid %d, want row %d", m.table.sel, selectedPID(m), row)
	}
}

func TestTreeView(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	keys(m, "t")
	var got []string
	for _, r := range m.table.rows {
		if p := m.table.procs[r.i]; p.User == "alice" {
			got = append(got, r.prefix+p.Comm)
		}
	}
	// Children sorted by CPU, the tree's order inside each level.
	want := []string{"├─ bash", "│  ├─ make", "│  │  ├─ cc1", "│  │  └─ ld", "│  └─ sleep"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

func TestTreeSurvivesCycles(t *testing.T) {
	t.Parallel()
	ps := []reading.Process{{PID: 10, PPID: 11, Comm: "a"}, {PID: 11, PPID: 10, Comm: "b"}, {PID: 12, PPID: 12, Comm: "self"}}
	m := newModel(Options{}, []reading.Reading{procReading(base, ps)}, 80, 24)
	keys(m, "t")
	checkFrame(t, m.render(), 80, 24)
}

func TestMouse(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	m.render()
	y := m.lay.tableY
	// Click on the MEM% header.
	x := strings.Index(strings.Split(m.render(), "\n")[y], "MEM%")
	m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	if m.table.sortCol != colMem {
		t.Fatalf("click on MEM%% at %d,%d sorted by column %d", x, y, m.table.sortCol)
	}
	m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	if !m.table.reverse {
		t.Error("second click on the sorted header did not reverse")
	}
	m.Update(tea.MouseClickMsg{X: 2, Y: y, Button: tea.MouseLeft})
	if m.table.sortCol != colPID {
		t.Errorf("click on PID header sorted by %d", m.table.sortCol)
	}
	m.Update(tea.MouseClickMsg{X: 30, Y: y + 3, Button: tea.MouseLeft})
	if got := selectedPID(m); got != 15 {
		t.Errorf("click on the third row selected %d, want 15", got)
	}
	m.Update(tea.MouseWheelMsg{X: 30, Y: y + 3, Button: tea.MouseWheelDown})
	if got := selectedPID(m); got != 1200 {
		t.Errorf("wheel down selected %d, want 1200", got)
	}
}

func TestSignalMenu(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		keys    []string
		err     error
		calls   []string
		message string
	}{
		{"default TERM", []string{"k", "enter", "y"}, nil, []string{"terminated 900"}, "sent SIGTERM to 900 (nginx)"},
		{"KILL by arrow", []string{"k", "down", "enter", "enter"}, nil, []string{"killed 900"}, "sent SIGKILL to 900 (nginx)"},
		{"STOP by digit", []string{"k", "5", "y"}, nil, []string{"stopped (signal) 900"}, "sent SIGSTOP to 900 (nginx)"},
		{"cancel menu", []string{"k", "esc"}, nil, nil, ""},
		{"decline", []string{"k", "enter", "n"}, nil, nil, "no signal sent"},
		{"not permitted", []string{"k", "enter", "y"}, syscall.EPERM, []string{"terminated 900"}, "not permitted to send SIGTERM to 900 (nginx) (another user's process)"},
		{"gone", []string{"k", "2", "y"}, fmt.Errorf("kill: %w", syscall.ESRCH), []string{"killed 900"}, "900 (nginx) is already gone"},
		{"other error", []string{"k", "y"}, errors.New("boom"), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig := &fakeSignaller{err: tt.err}
			m := newModel(Options{Signaller: sig}, machine(true), 160, 50)
			keys(m, "down", "down")
			keys(m, tt.keys...)
			if diff := cmp.Diff(tt.calls, sig.calls); diff != "" {
				t.Errorf("signals sent (-want +got):\n%s", diff)
			}
			if m.message != tt.message {
				t.Errorf("status message %q, want %q", m.message, tt.message)
			}
			if tt.message != "" && !strings.Contains(m.render(), tt.message) {
				t.Errorf("status bar lacks %q", tt.message)
			}
		})
	}
}

func TestSignalWithoutSignaller(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 80, 24)
	keys(m, "k")
	if m.view != viewMain || !strings.Contains(m.message, "not available") {
		t.Errorf("view %d message %q", m.view, m.message)
	}
}

func TestDetail(t *testing.T) {
	t.Parallel()
	m := newModel(Options{Inspector: fakeInspector{}}, machine(true), 160, 50)
	keys(m, "N", "home", "enter")
	f := m.render()
	for _, want := range []string{"Process 1 systemd", "/sbin/init splash", "Open files    17", "I/O           123M read, 45.0K written"} {
		if !strings.Contains(f, want) {
			t.Errorf("detail view lacks %q:\n%s", want, f)
		}
	}
	// The status bar names the detail view's keys, not the table's.
	bar := f[strings.LastIndex(f, "\n")+1:]
	if !strings.HasPrefix(bar, "esc back  f10 quit") || strings.Contains(bar, "filter") {
		t.Errorf("detail view's status bar: %q", bar)
	}
	keys(m, "esc")
	if m.view != viewMain {
		t.Errorf("esc left view %d", m.view)
	}
	gone := newModel(Options{Inspector: fakeInspector{err: syscall.ESRCH}}, machine(true), 160, 50)
	keys(gone, "enter")
	if f := gone.render(); !strings.Contains(f, "has exited") {
		t.Errorf("detail of a gone process:\n%s", f)
	}
}

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"q", "esc", "ctrl+c"} {
		m := newModel(Options{}, machine(true), 80, 24)
		if _, cmd := m.Update(press(k)); !isQuit(cmd) {
			t.Errorf("%s does not quit", k)
		}
	}
	// q while typing a filter is a letter, not quit.
	m := newModel(Options{}, machine(true), 80, 24)
	keys(m, "/")
	if _, cmd := m.Update(press("q")); isQuit(cmd) || m.table.filter != "q" {
		t.Errorf("q in the filter quit or was lost (filter %q)", m.table.filter)
	}
	// Ctrl-C quits from anywhere.
	keys(m, "enter", "?")
	if _, cmd := m.Update(press("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c in help does not quit")
	}
}

func TestIntervalKeys(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	m := newModel(Options{SetInterval: func(d time.Duration) { got = append(got, d) }}, machine(true), 80, 24)
	keys(m, "+", "+", "-", "-", "-", "-", "-", "-")
	want := []time.Duration{2 * time.Second, 3 * time.Second, 2 * time.Second, time.Second, 500 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("intervals set (-want +got):\n%s", diff)
	}
	if !strings.Contains(m.render(), "every 250ms") {
		t.Errorf("header does not show the new interval:\n%s", m.render())
	}
}

func TestIrixToggle(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	if !strings.Contains(m.render(), "CPU% 100=1 core") || !strings.Contains(m.render(), "   250  26.6") {
		t.Fatalf("Irix frame:\n%s", m.render())
	}
	keys(m, "I")
	f := m.render()
	// 250 % of one core is 3.9 % of 64 cores; vigia's own 0.8 % too.
	if !strings.Contains(f, "CPU% of 64 cores") || !strings.Contains(f, "   3.9  26.6") || !strings.Contains(f, "vigia 0.0%") {
		t.Errorf("Solaris frame:\n%s", f)
	}
}

func TestKeyRebinding(t *testing.T) {
	t.Parallel()
	cfg := config.TUI{Keys: map[string]config.KeyList{"signal": {"x"}, "tree": {"k"}}}
	m := newModel(Options{Config: cfg, Signaller: &fakeSignaller{}}, machine(true), 160, 50)
	keys(m, "k")
	if m.view != viewMain || !m.table.tree {
		t.Fatalf("k rebound to tree: view %d tree %v", m.view, m.table.tree)
	}
	keys(m, "x")
	if m.view != viewSignal {
		t.Errorf("x rebound to signal: view %d", m.view)
	}
	keys(m, "esc", "?")
	if f := m.render(); !strings.Contains(f, "x             send a signal") || !strings.Contains(f, "k             tree view") {
		t.Errorf("help does not show the rebinding:\n%s", f)
	}
}

func TestWaitReadings(t *testing.T) {
	t.Parallel()
	ch := make(chan reading.Reading, 4)
	ch <- cpuReading(base, 2, 10)
	ch <- memReading(base, false)
	ch <- selfReading(base)
	msg := waitReadings(ch)()
	batch, ok := msg.(readingsMsg)
	if !ok || len(batch) != 3 {
		t.Fatalf("waitReadings = %T with %d readings, want all 3 in one batch", msg, len(batch))
	}
	close(ch)
	if msg := waitReadings(ch)(); msg != (closedMsg{}) {
		t.Errorf("on a closed channel waitReadings = %#v, want closedMsg", msg)
	}
	m := New(Options{Readings: ch}, colorprofile.NoTTY)
	if _, cmd := m.Update(closedMsg{}); !isQuit(cmd) {
		t.Error("closed reading channel does not quit")
	}
}

func TestSensorFailure(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, []reading.Reading{{Sensor: reading.SensorCPU, Time: base, Err: "read /proc/stat: permission denied"}}, 160, 50)
	if f := m.render(); !strings.Contains(f, "sensor failed: read /proc/stat: permission denied") {
		t.Errorf("failed sensor not shown:\n%s", f)
	}
	// A failure after good readings keeps the values and says they are stale.
	m = newModel(Options{}, machine(true), 160, 50)
	m.Update(readingsMsg{{Sensor: reading.SensorDisk, Time: base.Add(time.Second), Err: "deadline exceeded"}})
	if f := m.render(); !strings.Contains(f, "sensor failed: deadline exceeded") || !strings.Contains(f, "/boot/efi") {
		t.Errorf("stale sensor not shown with its last values:\n%s", f)
	}
}

func TestAlertsFollowTransitions(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 160, 50)
	if len(m.alerts.active) != 2 {
		t.Fatalf("%d active alerts, want 2", len(m.alerts.active))
	}
	c := cpuReading(base.Add(time.Second), 64, 10)
	c.Transitions = []reading.Transition{{Sensor: reading.SensorCPU, Metric: reading.CPUCoreUsage, Labels: lbl("cpu", "3"), From: reading.Critical, To: reading.Normal, Value: 10, Time: base.Add(time.Second)}}
	m.Update(readingsMsg{c})
	if len(m.alerts.active) != 1 {
		t.Errorf("resolved alert still active: %v", m.alerts.active)
	}
	if f := m.render(); !strings.Contains(f, "12:00:01 cpu.core.usage{cpu=3} CRIT→OK") {
		t.Errorf("resolution not listed:\n%s", f)
	}
}

func TestEveryFrameFits(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{20, 5}, {40, 10}, {80, 24}, {99, 33}, {100, 34}, {120, 40}, {200, 60}, {400, 120}} {
		for _, keysPressed := range [][]string{nil, {"t"}, {"?"}, {"enter"}, {"k"}} {
			opts := Options{Inspector: fakeInspector{}, Signaller: &fakeSignaller{}}
			m := newModel(opts, machine(true), size[0], size[1])
			keys(m, keysPressed...)
			t.Run(fmt.Sprintf("%dx%d%v", size[0], size[1], keysPressed), func(t *testing.T) {
				checkFrame(t, m.render(), size[0], size[1])
			})
		}
	}
}

func TestNoReadingsYet(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, nil, 160, 50)
	f := m.render()
	checkFrame(t, f, 160, 50)
	if !strings.Contains(f, "waiting for the first reading") || !strings.Contains(f, "waiting for the process list") {
		t.Errorf("empty frame:\n%s", f)
	}
}

func TestDetailOfAnotherUsersProcess(t *testing.T) {
	t.Parallel()
	m := newModel(Options{Inspector: fakeInspector{}}, machine(true), 160, 50)
	keys(m, "down", "down", "enter") // nginx, PID 900
	f := m.render()
	for _, want := range []string{"Process 900 nginx", "Open files    not readable", "I/O           not readable", "executable and directory"} {
		if !strings.Contains(f, want) {
			t.Errorf("detail lacks %q:\n%s", want, f)
		}
	}
}

func TestPagingKeys(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, append(machine(true), procReading(base, manyProcs(200))), 160, 50)
	m.render()
	page := m.lay.tableRows - 1
	msg := func(k string) { m.Update(press(k)); m.render() }
	msg("pgdown")
	if m.table.sel != page {
		t.Errorf("pgdown selected row %d, want %d", m.table.sel, page)
	}
	msg("end")
	if m.table.sel != len(m.table.rows)-1 || m.table.offset != len(m.table.rows)-m.lay.tableRows {
		t.Errorf("end: row %d offset %d of %d rows", m.table.sel, m.table.offset, len(m.table.rows))
	}
	if !strings.Contains(m.render(), "›") {
		t.Error("the selected row scrolled out of sight")
	}
	msg("pgup")
	if m.table.sel != len(m.table.rows)-1-page {
		t.Errorf("pgup selected row %d", m.table.sel)
	}
	msg("home")
	if m.table.sel != 0 || m.table.offset != 0 {
		t.Errorf("home: row %d offset %d", m.table.sel, m.table.offset)
	}
}

func TestHelpClosesOnAnyKey(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 80, 24)
	keys(m, "?")
	if m.view != viewHelp {
		t.Fatal("? did not open the help")
	}
	keys(m, "x")
	if m.view != viewMain {
		t.Error("a key did not close the help")
	}
}

func TestFixedInterval(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(true), 80, 24)
	keys(m, "+")
	if m.every != time.Second || !strings.Contains(m.message, "fixed") {
		t.Errorf("without SetInterval: every %v, message %q", m.every, m.message)
	}
}

// TestDisabledSensors: `--sensors cpu,memory,processes` draws those
// panels and the alerts, with no self sensor to say which run, and gives
// the others' room to them.
func TestDisabledSensors(t *testing.T) {
	t.Parallel()
	health := func() reading.Health {
		return reading.Health{Sensors: []reading.SensorHealth{{Name: reading.SensorCPU}, {Name: reading.SensorMemory}, {Name: reading.SensorProcesses}}}
	}
	rs := []reading.Reading{cpuReading(base, 4, 10), memReading(base, false), procReading(base, fixtureProcs())}
	for _, size := range [][2]int{{80, 24}, {160, 50}} {
		m := newModel(Options{Health: health}, rs, size[0], size[1])
		f := m.render()
		checkGolden(t, "sensors-off-"+strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), f)
		for _, gone := range []string{"waiting for", "not enabled", "Load", "Temp", "Disk", "Net"} {
			if strings.Contains(f, gone) {
				t.Errorf("%dx%d: frame shows %q:\n%s", size[0], size[1], gone, f)
			}
		}
	}
}

func TestHeaderShowsFailingOutputs(t *testing.T) {
	t.Parallel()
	since := base.Add(-time.Minute)
	health := func() reading.Health {
		return reading.Health{
			Store:     &reading.StoreHealth{Err: "disk full", ErrSince: since},
			Notifiers: []reading.NotifierHealth{{Name: "ops", LastSent: since, LastFailed: base}},
		}
	}
	rs := []reading.Reading{cpuReading(base, 4, 10), selfReading(base)}
	f := newModel(Options{Health: health}, rs, 160, 50).render()
	header := strings.SplitN(f, "\n", 2)[0]
	for _, want := range []string{"history not written since " + since.Format("15:04:05"), "notifier ops failing"} {
		if !strings.Contains(header, want) {
			t.Errorf("header lacks %q:\n%s", want, header)
		}
	}
	healthy := func() reading.Health {
		return reading.Health{Store: &reading.StoreHealth{Written: 9}, Notifiers: []reading.NotifierHealth{{Name: "ops", LastSent: base, LastFailed: since}}}
	}
	if h := strings.SplitN(newModel(Options{Health: healthy}, rs, 160, 50).render(), "\n", 2)[0]; strings.Contains(h, "history") || strings.Contains(h, "failing") {
		t.Errorf("a healthy store and a recovered notifier are reported:\n%s", h)
	}
}
