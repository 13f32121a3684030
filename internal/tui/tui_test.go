package tui

import (
	"github.com/vigia-dev/vigia/internal/golden"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

func keys(m *Model, ks ...string) {
	for _, k := range ks {
		_, cmd := m.Update(press(k))
		runCmd(m, cmd)
	}
}

// press is the key named k as Bubble Tea's input decoder reports it: a
// special key by its name, else one character, upper case as shift.
func press(k string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "down": {Code: tea.KeyDown},
		"up": {Code: tea.KeyUp}, "backspace": {Code: tea.KeyBackspace}, "ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
		"pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown}, "home": {Code: tea.KeyHome},
		"end": {Code: tea.KeyEnd}, "space": {Code: tea.KeySpace, Text: " "}, " ": {Code: tea.KeySpace, Text: " "},
	}
	if msg, ok := special[k]; ok {
		return msg
	}
	r := []rune(k)[0]
	if unicode.IsUpper(r) {
		return tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Mod: tea.ModShift, Text: k}
	}
	return tea.KeyPressMsg{Code: r, Text: k}
}

// runCmd runs what a key returned, as the program would, but not the
// reading wait or quit.
func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case signalMsg, detailMsg, explainMsg:
		m.Update(msg)
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

// checkFrame holds for every frame: exactly h lines, each exactly w cells.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, l)
		}
	}
}

// fakeSignaller records what the signal menu holds and sends.
type fakeSignaller struct {
	mu       sync.Mutex
	calls    []string
	holds    []string // "pid start" at each Hold
	released int
	holdErr  error // Hold's answer
	err      error // Signal's answer
}

func (f *fakeSignaller) Hold(pid int32, start time.Time) (Held, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holds = append(f.holds, itoa(pid)+" "+start.UTC().Format(time.RFC3339))
	if f.holdErr != nil {
		return nil, f.holdErr
	}
	return &fakeHeld{f: f, pid: pid}, nil
}

type fakeHeld struct {
	f   *fakeSignaller
	pid int32
}

func (h *fakeHeld) Signal(sig syscall.Signal) error {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	h.f.calls = append(h.f.calls, sig.String()+" "+itoa(h.pid))
	return h.f.err
}

func (h *fakeHeld) Release() {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	h.f.released++
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

type fakeInspector struct{ err error }

func (f fakeInspector) Detail(pid int32) (reading.ProcessDetail, error) {
	if f.err != nil {
		return reading.ProcessDetail{}, f.err
	}
	for _, p := range fixtureProcs() {
		if p.PID == pid {
			return reading.ProcessDetail{Process: p, Exe: "/usr/bin/" + p.Comm, Cwd: "/home/alice/src", Nice: 5,
				OpenFiles: 17, ReadBytes: 123 << 20, WriteBytes: 45 << 10, VMSize: 2 << 30, Unreadable: unreadable(pid)}, nil
		}
	}
	return reading.ProcessDetail{}, syscall.ESRCH
}

func TestGoldenFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		temps bool
		cfg   config.TUI
		keys  []string
	}{
		{name: "main", temps: true},
		{name: "sorted-filtered", temps: true, keys: []string{"M", "/", "a", "l", "i", "c", "e", "enter"}},
		{name: "tree", temps: true, keys: []string{"t", "N", "home"}},
		{name: "detail", temps: true, keys: []string{"N", "home", "down", "down", "down", "enter"}},
		{name: "help", temps: true, keys: []string{"?"}},
		{name: "notemps", temps: false},
		{name: "signal-menu", temps: true, keys: []string{"k", "down"}},
		{name: "solaris", temps: true, keys: []string{"I"}},
		{name: "panels", temps: true, cfg: config.TUI{Panels: []string{"memory", "alerts", "procs"}}},
	}
	for _, tt := range tests {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			name := tt.name + "-" + strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Options{Config: tt.cfg, Inspector: fakeInspector{}, Signaller: &fakeSignaller{}, SetInterval: func(time.Duration) {}}
				m := newModel(opts, machine(tt.temps), size[0], size[1])
				keys(m, tt.keys...)
				frame := m.render()
				checkFrame(t, frame, size[0], size[1])
				checkGolden(t, name, frame)
			})
		}
	}
}

// unreadable is what the inspector cannot read of another user's process
// in the fixtures: PID 900 belongs to www-data.
func unreadable(pid int32) []string {
	if pid == 900 {
		return []string{"exe", "cwd", "open_files", "io_read_bytes", "io_write_bytes"}
	}
	return nil
}
