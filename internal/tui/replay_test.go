package tui

import (
	"context"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
)

// replayLen is how long the recorded fixture runs, one reading of each
// sensor a second.
const replayLen = 5 * time.Minute

// replayJob is the recorded process whose CPU % tells the replay clock:
// at second i of the recording it used i % 100 + 0.5 %.
func replayJob(t time.Time, i int) reading.Reading {
	start := base.Add(-time.Hour)
	ps := []reading.Process{
		{PID: 4242, PPID: 1, User: "alice", State: "R", Comm: "replay-job", Cmdline: "replay-job --batch", CPUPercent: float64(i%100) + 0.5, RSS: uint64(100+i) << 20, Threads: 2, Start: start},
		{PID: 1, User: "root", State: "S", Comm: "systemd", Cmdline: "/sbin/init", CPUPercent: 0.1, RSS: 12 << 20, Threads: 1, Start: start},
	}
	return procReading(t, ps)
}

// recordFixture records replayLen of cpu, memory, disk, network and procs
// readings from base into a fresh history database, with a CPU alert
// raised at 2:00 and resolved at 3:20.
func recordFixture(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan reading.Reading, 64)
	done := make(chan error, 1)
	go func() { done <- s.Record(context.Background(), ch) }()
	for i := range int(replayLen / time.Second) {
		at := base.Add(time.Duration(i) * time.Second)
		cpu := cpuReading(at, 4, float64(20+i%60))
		switch i {
		case 120:
			cpu.Status = reading.Warning
			cpu.Transitions = []reading.Transition{{Rule: "cpu-busy", Sensor: reading.SensorCPU, Metric: reading.CPUUsage,
				From: reading.Normal, To: reading.Warning, Value: 80, Threshold: 75, Time: at, Since: at}}
		case 200:
			cpu.Transitions = []reading.Transition{{Rule: "cpu-busy", Sensor: reading.SensorCPU, Metric: reading.CPUUsage,
				From: reading.Warning, To: reading.Normal, Value: 40, Threshold: 75, Time: at, Since: base.Add(120 * time.Second)}}
		}
		if i > 120 && i < 200 {
			cpu.Status = reading.Warning
		}
		mem := memReading(at, false)
		mem.Metrics[4].Value = 30 + float64(i)/10
		for _, r := range []reading.Reading{cpu, mem, diskReading(at), netReading(at, i), replayJob(at, i)} {
			ch <- r
		}
	}
	close(ch)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newReplay(t *testing.T, src Source, from, to time.Time, w, h int) *Model {
	t.Helper()
	m := New(Options{Hostname: "db-7", Replay: &Replay{Source: src, From: from, To: to}}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// jobCPU is the replay-job's CPU % in the table, as it was recorded.
func jobCPU(t *testing.T, m *Model) float64 {
	t.Helper()
	for _, p := range m.table.procs {
		if p.PID == 4242 {
			return p.CPUPercent
		}
	}
	t.Fatalf("replay-job not in the table at %s", m.replay.clock)
	return 0
}

func TestReplayFrames(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	for _, sz := range [][2]int{{80, 24}, {160, 50}} {
		m := newReplay(t, s, base, base.Add(replayLen), sz[0], sz[1])
		// 2:30 into the recording: an alert open since 2:00.
		keys(m, "]", "]")
		for range 30 {
			keys(m, ".")
		}
		if want := base.Add(150 * time.Second); !m.replay.clock.Equal(want) {
			t.Fatalf("clock %s, want %s", m.replay.clock, want)
		}
		if got := jobCPU(t, m); got != 50.5 {
			t.Errorf("replay-job CPU %% = %v at 2:30, want 50.5", got)
		}
		frame := m.render()
		checkFrame(t, frame, sz[0], sz[1])
		for _, want := range []string{"REPLAY", "⏸ paused", "2026-11-28 12:02:30", "replay-job", "50.5", "top procs as recorded"} {
			if !strings.Contains(frame, want) {
				t.Errorf("%dx%d frame lacks %q:\n%s", sz[0], sz[1], want, frame)
			}
		}
		if len(m.alerts.active) != 1 {
			t.Errorf("%d active alerts at 2:30, want the CPU one", len(m.alerts.active))
		}
		checkGolden(t, "replay-"+itoa(int32(sz[0]))+"x"+itoa(int32(sz[1])), frame)

		keys(m, "?")
		help := m.render()
		for _, want := range []string{"play / pause", "step back a reading", "10 min back", "faster", "to the end"} {
			if !strings.Contains(help, want) {
				t.Errorf("help lacks %q:\n%s", want, help)
			}
		}
	}
}

func TestReplayKeys(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	end := base.Add(replayLen - time.Second) // the last reading
	tests := []struct {
		name  string
		keys  []string
		clock time.Time
		speed int
	}{
		{"start", nil, base, 1},
		{"step", []string{".", ".", "."}, base.Add(3 * time.Second), 1},
		{"step back", []string{".", ".", ".", ","}, base.Add(2 * time.Second), 1},
		{"step back at the start", []string{","}, base, 1},
		{"jump", []string{"]"}, base.Add(time.Minute), 1},
		{"jump back", []string{"]", "]", "["}, base.Add(time.Minute), 1},
		{"jump far clamps to the end", []string{"}"}, base.Add(replayLen - time.Millisecond), 1},
		{"jump far back clamps to the start", []string{"]", "{"}, base, 1},
		{"step back from the end", []string{"G", ",", ","}, end.Add(-time.Second), 1},
		{"step back across a window read", append(slices.Repeat([]string{"."}, 120), ","), base.Add(119 * time.Second), 1},
		{"end then start", []string{"G", "g"}, base, 1},
		{"faster", []string{">", ">", ">"}, base, 8},
		{"speed tops at 64", []string{">", ">", ">", ">", ">", ">", ">", ">"}, base, 64},
		{"slower floors at 1", []string{">", "<", "<", "<"}, base, 1},
	}
	for _, tt := range tests {
		m := newReplay(t, s, base, base.Add(replayLen), 120, 40)
		keys(m, tt.keys...)
		if !m.replay.clock.Equal(tt.clock) {
			t.Errorf("%s: clock %s, want %s", tt.name, m.replay.clock.Format(time.TimeOnly+".000"), tt.clock.Format(time.TimeOnly+".000"))
		}
		if m.replay.speed != tt.speed {
			t.Errorf("%s: speed %d, want %d", tt.name, m.replay.speed, tt.speed)
		}
	}
}

// TestReplayPlay plays through window boundaries with synthetic ticks: the
// clock moves by speed × tick, the panels follow, and the buffer stays one
// window long.
func TestReplayPlay(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	m := newReplay(t, s, base, base.Add(replayLen), 120, 40)
	_, cmd := m.Update(press("space"))
	if cmd == nil || !m.replay.playing {
		t.Fatal("space did not start playing")
	}
	gen := m.replay.gen
	keys(m, ">", ">", ">", ">", ">", ">") // 64×: 6.4 s a tick
	maxBuf := 0
	for range 25 { // 160 s
		if cmd := m.replayTicked(replayTickMsg{gen: gen}); cmd == nil {
			t.Fatal("playing stopped early")
		}
		maxBuf = max(maxBuf, len(m.replay.buf))
	}
	want := base.Add(160 * time.Second)
	if !m.replay.clock.Equal(want) {
		t.Errorf("clock %s after 25 ticks at 64×, want %s", m.replay.clock, want)
	}
	if got := jobCPU(t, m); got != 60.5 {
		t.Errorf("replay-job CPU %% = %v at 2:40, want 60.5", got)
	}
	if perWindow := 5 * int((replayWindow+replayWarm)/time.Second); maxBuf > perWindow {
		t.Errorf("buffer held %d readings, more than a window's %d", maxBuf, perWindow)
	}
	if m.replayTicked(replayTickMsg{gen: gen - 1}) != nil {
		t.Error("a stale tick kept playing")
	}
	// To the end: playing stops by itself.
	for i := 0; m.replay.playing; i++ {
		if i > 100 {
			t.Fatal("playing did not stop at the end of the recording")
		}
		m.replayTicked(replayTickMsg{gen: gen})
	}
	if got := jobCPU(t, m); got != 99.5 {
		t.Errorf("replay-job CPU %% = %v at the end, want 99.5 (second 299)", got)
	}
	if !strings.Contains(m.render(), "end of the recording") {
		t.Errorf("no end message:\n%s", m.render())
	}
	keys(m, " ")
	if m.replay.playing {
		t.Error("space at the end played past it")
	}
}

// TestReplayNoSignals: a recorded PID is not today's process.
func TestReplayNoSignals(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	sig := &fakeSignaller{}
	m := New(Options{Signaller: sig, Inspector: fakeInspector{}, Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)}}, colorprofile.NoTTY)
	m.Update(sizeMsg(120, 40))
	keys(m, "k", "enter", "y")
	if m.view != viewMain {
		t.Errorf("a signal key opened view %d in a replay", m.view)
	}
	if len(sig.calls) != 0 {
		t.Errorf("replay sent signals: %v", sig.calls)
	}
	if !strings.Contains(m.message, "recorded processes") {
		t.Errorf("message %q does not say why", m.message)
	}
}

type emptySource struct{}

func (emptySource) Readings(from, to time.Time) iter.Seq2[reading.Reading, error] {
	return func(func(reading.Reading, error) bool) {}
}

func TestReplayEmpty(t *testing.T) {
	t.Parallel()
	m := newReplay(t, emptySource{}, base, base.Add(24*time.Hour), 80, 24)
	if frame := m.render(); !strings.Contains(frame, "nothing recorded between 2026-11-28 12:00:00 and 2026-11-29 12:00:00") {
		t.Errorf("empty replay does not say so:\n%s", frame)
	}
}

func TestReplayRebind(t *testing.T) {
	t.Parallel()
	s := recordFixture(t)
	m := New(Options{Config: config.TUI{Keys: map[string]config.KeyList{"replay_step": {"n"}}},
		Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)}}, colorprofile.NoTTY)
	m.Update(sizeMsg(120, 40))
	keys(m, "n", "n", ".")
	if diff := cmp.Diff(base.Add(2*time.Second), m.replay.clock); diff != "" {
		t.Errorf("clock after n n . (-want +got):\n%s", diff)
	}
}

// sliceSource is a recording in memory.
type sliceSource []reading.Reading

func (s sliceSource) Readings(from, to time.Time) iter.Seq2[reading.Reading, error] {
	return func(yield func(reading.Reading, error) bool) {
		for _, r := range s {
			if !r.Time.Before(from) && r.Time.Before(to) && !yield(r, nil) {
				return
			}
		}
	}
}

// TestReplaySkipsGaps: vigia was stopped for an hour; playing does not
// show a still frame for that hour.
func TestReplaySkipsGaps(t *testing.T) {
	t.Parallel()
	var src sliceSource
	for i := range 10 {
		src = append(src, replayJob(base.Add(time.Duration(i)*time.Second), i))
	}
	later := base.Add(time.Hour)
	for i := range 10 {
		src = append(src, replayJob(later.Add(time.Duration(i)*time.Second), 50+i))
	}
	m := newReplay(t, src, base, later.Add(10*time.Second), 120, 40)
	keys(m, " ", ">", ">", ">") // 8×: 0.8 s a tick
	for i := 0; m.replay.clock.Before(later); i++ {
		if i > 14 {
			t.Fatalf("clock %s after %d ticks, still in the gap", m.replay.clock, i)
		}
		m.replayTicked(replayTickMsg{gen: m.replay.gen})
	}
	if got := jobCPU(t, m); got < 50.5 {
		t.Errorf("replay-job CPU %% = %v, want a value of the second stretch", got)
	}
	if !strings.Contains(m.message, "skipped") {
		t.Errorf("message %q does not say the gap was skipped", m.message)
	}
}

// BenchmarkReplaySeek is one ] or [ on a recording: read four minutes of
// five sensors back from SQLite and rebuild every panel.
func BenchmarkReplaySeek(b *testing.B) {
	s := recordFixture(b)
	m := New(Options{Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)}}, colorprofile.NoTTY)
	m.Update(sizeMsg(160, 50))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.replaySeek(base.Add(time.Duration(60+i%120) * time.Second))
	}
}

// BenchmarkReplayStep is one . key and the frame after it.
func BenchmarkReplayStep(b *testing.B) {
	s := recordFixture(b)
	m := New(Options{Replay: &Replay{Source: s, From: base, To: base.Add(replayLen)}}, colorprofile.NoTTY)
	m.Update(sizeMsg(160, 50))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := m.replayNext(time.Time{}); !ok {
			m.replaySeek(base)
		}
		keys(m, ".")
		_ = m.render()
	}
}

// TestReplaySeekListsOldAlerts: an alert raised long before the minutes a
// seek reads back is still listed as open, from the store's record of
// transitions, and one resolved meanwhile is not.
func TestReplaySeekListsOldAlerts(t *testing.T) {
	t.Parallel()
	s, err := store.Open(filepath.Join(t.TempDir(), "vigia.db"), store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ch := make(chan reading.Reading, 64)
	done := make(chan error, 1)
	go func() { done <- s.Record(context.Background(), ch) }()
	raise := func(at time.Time, rule string, to reading.Status) []reading.Transition {
		return []reading.Transition{{Rule: rule, Sensor: reading.SensorCPU, Metric: reading.CPUUsage, From: reading.Normal, To: to, Value: 95, Threshold: 90, Time: at, Since: at}}
	}
	for i := range 600 {
		at := base.Add(time.Duration(i) * time.Second)
		cpu := cpuReading(at, 4, 95)
		switch i {
		case 30:
			cpu.Transitions = raise(at, "cpu-hot", reading.Critical)
		case 40:
			cpu.Transitions = raise(at, "cpu-blip", reading.Warning)
		case 50:
			cpu.Transitions = []reading.Transition{{Rule: "cpu-blip", Sensor: reading.SensorCPU, Metric: reading.CPUUsage, From: reading.Warning, To: reading.Normal, Time: at, Since: at}}
		}
		ch <- cpu
	}
	close(ch)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	m := newReplay(t, s, base, base.Add(10*time.Minute), 120, 40)
	m.replaySeek(base.Add(8 * time.Minute))
	open := m.alerts.active[seriesKey(reading.SensorCPU, reading.CPUUsage, nil)]
	if len(m.alerts.active) != 1 || open.Rule != "cpu-hot" || open.To != reading.Critical {
		t.Errorf("open alerts at 8:00 = %v, want cpu-hot, raised at 0:30 and never resolved", m.alerts.active)
	}
	if !strings.Contains(m.render(), "cpu.usage") {
		t.Errorf("the alerts panel does not list the open alert:\n%s", m.render())
	}
}

// growingSource is a recording still being written: Span says where it
// ends now.
type growingSource struct{ sliceSource }

func (g *growingSource) Span() (first, last time.Time, ok bool, err error) {
	if len(g.sliceSource) == 0 {
		return time.Time{}, time.Time{}, false, nil
	}
	return g.sliceSource[0].Time, g.sliceSource[len(g.sliceSource)-1].Time, true, nil
}

// TestReplayFollowsAGrowingRecording: a replay whose end was the end of the
// recording goes on into what was recorded since it started; one with a
// fixed end stops there.
func TestReplayFollowsAGrowingRecording(t *testing.T) {
	t.Parallel()
	for _, follow := range []bool{true, false} {
		src := &growingSource{}
		for i := range 10 {
			src.sliceSource = append(src.sliceSource, replayJob(base.Add(time.Duration(i)*time.Second), i))
		}
		end := base.Add(9*time.Second + time.Millisecond)
		m := New(Options{Hostname: "db-7", Replay: &Replay{Source: src, From: base, To: end, Follow: follow}}, colorprofile.NoTTY)
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		keys(m, "G")
		// The recorder goes on writing.
		for i := 10; i < 20; i++ {
			src.sliceSource = append(src.sliceSource, replayJob(base.Add(time.Duration(i)*time.Second), i))
		}
		keys(m, ".")
		moved := m.replay.clock.After(base.Add(9 * time.Second))
		if moved != follow {
			t.Errorf("Follow=%v: after a step at the end the clock is %s (moved on: %v)", follow, m.replay.clock, moved)
		}
		if follow && jobCPU(t, m) != 10.5 {
			t.Errorf("followed replay shows replay-job at %v %%, want the reading recorded at 0:10 (10.5)", jobCPU(t, m))
		}
	}
}

// TestReplayPlaysOnAtTheEndOfAGrowingRecording: a followed replay that
// plays into the end of the recording waits there, playing, and goes on
// when the recorder writes more; it looks at most once a second of the
// ticks' time.
func TestReplayPlaysOnAtTheEndOfAGrowingRecording(t *testing.T) {
	t.Parallel()
	src := &growingSource{}
	for i := range 10 {
		src.sliceSource = append(src.sliceSource, replayJob(base.Add(time.Duration(i)*time.Second), i))
	}
	m := New(Options{Hostname: "db-7", Replay: &Replay{Source: src, From: base, To: base.Add(9*time.Second + time.Millisecond), Follow: true}}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	keys(m, "G", " ")
	if !m.replay.playing {
		t.Fatalf("space at the end of a followed recording does not play: %q", m.message)
	}
	wall := base.Add(time.Hour)
	tick := func() {
		wall = wall.Add(replayTick)
		m.Update(replayTickMsg{gen: m.replay.gen, at: wall})
	}
	for range 20 { // two seconds with nothing new
		tick()
	}
	if !m.replay.playing || strings.Contains(m.render(), "end of the recording") {
		t.Fatalf("the replay stopped at the end of a recording still being written: %q", m.message)
	}
	for i := 10; i < 15; i++ {
		src.sliceSource = append(src.sliceSource, replayJob(base.Add(time.Duration(i)*time.Second), i))
	}
	for range 80 {
		tick()
	}
	if want := base.Add(14 * time.Second); !m.replay.clock.Equal(want) || jobCPU(t, m) != 14.5 {
		t.Errorf("after the recorder wrote on to %s, the clock is at %s showing %v %%", want.Format(time.TimeOnly), m.replay.clock.Format(time.TimeOnly), jobCPU(t, m))
	}
}

// TestReplayOfAnOlderRecording: processes recorded before threads, CPU
// time, state and I/O rates were show dashes there, not zeros.
func TestReplayOfAnOlderRecording(t *testing.T) {
	t.Parallel()
	r := replayJob(base, 3)
	for i := range r.Processes {
		p := &r.Processes[i]
		p.Threads, p.CPUTime, p.State = 0, 0, ""
	}
	m := New(Options{Hostname: "db-7", Replay: &Replay{Source: sliceSource{r}, From: base, To: base.Add(time.Second)}}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	f := m.render()
	if !strings.Contains(f, "4242 alice     –    3.5   0.0   103M    –         –      –      – replay-job") {
		t.Errorf("an older recording's process row:\n%s", f)
	}
}
