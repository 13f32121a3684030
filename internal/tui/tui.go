// Package tui is vigia's full-screen dashboard and task manager (`vigia
// top`). It receives analysed readings over a channel, keeps its own small
// histories, and never reads the machine itself: signals and process
// details go through interfaces that main satisfies. It is the only package
// that imports the terminal UI libraries.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// readingsMsg carries every reading waiting on the channel, so a burst of
// sensors costs one frame, not one per sensor.
type readingsMsg []reading.Reading

// closedMsg says the reading channel was closed: the engine has stopped.
type closedMsg struct{}

// detailMsg is the answer of Inspector.Detail for the detail view.
type detailMsg struct {
	pid    int32
	detail reading.ProcessDetail
	err    error
}

// signalMsg is the outcome of Signaller.Signal.
type signalMsg struct {
	pid  int32
	name string
	sig  sigChoice
	err  error
}

// Signaller takes hold of a process for the signal menu. main satisfies
// it, so this package never calls kill itself. It may be called from any
// goroutine and should return within a few milliseconds.
type Signaller interface {
	// Hold takes hold of process pid if it is still the one that started
	// at start, as the table showed it. It fails with an error wrapping
	// syscall.ESRCH when the process is gone, and ErrReused when its PID
	// now names another process.
	Hold(pid int32, start time.Time) (Held, error)
}

// Held is one process held from the moment the menu opens: a signal reaches
// that process or none, never a later one that took its PID.
type Held interface {
	// Signal sends sig; ESRCH once the process has exited.
	Signal(sig syscall.Signal) error
	// Release lets the process go. It is called once.
	Release()
}

// ErrReused is wrapped by a Signaller refusing a PID that another process
// has taken since the table showed it.
var ErrReused = errors.New("the PID now names another process")

// Inspector reads what the detail view shows of one process. It may be
// called from any goroutine and should return within a few milliseconds.
type Inspector interface {
	Detail(pid int32) (reading.ProcessDetail, error)
}

// Options configure the dashboard.
type Options struct {
	// Readings are the engine's analysed readings. When it is closed the
	// dashboard quits.
	Readings <-chan reading.Reading
	// Health returns the engine's self-watch; optional.
	Health func() reading.Health
	// Signaller and Inspector serve the signal menu and the detail view;
	// either may be nil, which disables its feature.
	Signaller Signaller
	Inspector Inspector
	// NoSignals says, in the chosen language, why Signaller is nil; empty
	// gives the general "not available here".
	NoSignals string
	// SetInterval changes every sensor's cadence (the + and - keys); nil
	// disables those keys.
	SetInterval func(time.Duration)
	// Interval is the cadence the engine starts with.
	Interval time.Duration
	// Level gives the status of one metric by the same rules the engine
	// applies, for values no alert is open on (per-core bars, each
	// filesystem). Nil colours such values by their open alerts alone.
	Level func(sensor string, m reading.Metric) reading.Status
	// Config is the `tui:` section: theme, panels, keys.
	Config config.TUI
	// Hostname is shown in the header.
	Hostname string
	// Text is the language of every word shown; nil means English.
	Text *text.Text
	// Input and Output default to the terminal. Tests and the end-to-end
	// harness set them.
	Input  io.Reader
	Output io.Writer
	// Environ is the environment (NO_COLOR, TERM) the colours follow;
	// nil means os.Environ.
	Environ []string
	Logger  *slog.Logger
	// Explainer answers the explain key from what was recorded (top
	// --record, a replay); nil makes the key say a recording is needed.
	Explainer Explainer
	// Replay, when set, shows a recording instead of Readings: no engine,
	// no signals, no process details.
	Replay *Replay
	// Remote, when set, says the readings come from an agent on another
	// machine: the header shows its host, a remote marker and the
	// connection's trouble, asked for again each second. It may be called
	// from the UI goroutine only and must not block.
	Remote func() RemoteState
}

type view uint8

const (
	viewMain view = iota
	viewHelp
	viewDetail
	viewSignal
	viewConfirm
	viewCgroups
	viewEvents
	viewExplain
	viewExited
)

// Model is the dashboard's Bubble Tea model. It is used through a pointer:
// Update changes it in place and returns it.
type Model struct {
	opts   Options
	tx     *text.Text
	keys   keyMap
	th     *theme
	panels []string // visible panels, in config.TUIPanels order

	w, h int
	view view

	// latest readings by sensor, and when each panel last changed
	last map[string]*reading.Reading
	ver  map[string]uint64
	tick uint64

	cpuHist, memHist, swapHist, rxHist, txHist ring

	alerts alerts
	events eventLog
	table  procTable
	// cgroups is the cgroups view's table; cgroupsOmitted how many groups
	// the sensor's cap left out of the last reading.
	cgroups        cgroupTable
	cgroupsOmitted int
	// helpFrom is the view the help goes back to.
	helpFrom view
	health   reading.Health
	cores    int
	irix     bool
	every    time.Duration
	now      time.Time // time of the newest reading
	message  string
	msgAt    time.Time
	msgBad   bool

	replay *replayer
	remote RemoteState

	detail    *detailMsg
	explained *explainMsg
	// explainOffset is the first line of the explain view's page in sight.
	explainOffset int
	sigCursor     int
	sigPID        int32
	sigName       string
	sigHeld       Held

	cache    map[string]panelCache
	topCache struct {
		key   topKey
		lines []string
	}
	lay   layout
	frame strings.Builder
}

type panelCache struct {
	ver   uint64
	w, h  int
	lines []string
}

// historyLen is how many samples the graphs keep: ten minutes at 1 s, and
// enough for a graph across a 600-column terminal.
const historyLen = 1200

// New builds the model for colour profile prof (tests pass NoTTY for frames
// without escape sequences).
func New(opts Options, prof colorprofile.Profile) *Model {
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Text == nil {
		opts.Text = text.For(text.English)
	}
	m := &Model{
		opts:     opts,
		tx:       opts.Text,
		keys:     newKeyMap(opts.Config.Keys, opts.Text),
		th:       themeFor(prof, opts.Config.Theme),
		last:     map[string]*reading.Reading{},
		ver:      map[string]uint64{},
		cpuHist:  newRing(historyLen),
		memHist:  newRing(historyLen),
		swapHist: newRing(historyLen),
		rxHist:   newRing(historyLen),
		txHist:   newRing(historyLen),
		alerts:   newAlerts(),
		irix:     true,
		every:    opts.Interval,
		cache:    map[string]panelCache{},
		cores:    1,
	}
	m.table.init()
	m.cgroups.init()
	if opts.Replay != nil && opts.Replay.Source != nil {
		// The detail view and the signal menu act on live PIDs, which a
		// recording's are not.
		m.opts.Signaller, m.opts.Inspector, m.opts.SetInterval, m.opts.Readings = nil, nil, nil, nil
		m.replay = newReplayer(opts.Replay)
		m.replayInit()
	}
	if opts.Remote != nil {
		m.remote = opts.Remote()
	}
	if opts.Health != nil {
		// The engine knows its sensors before the first reading, and
		// without the self sensor no reading would tell.
		m.health = opts.Health()
	}
	m.showPanels()
	return m
}

// showPanels picks the panels to draw: the configured ones whose sensor
// the engine runs, so a sensor left off gives its room to the others
// instead of waiting for a reading that never comes.
func (m *Model) showPanels() {
	sensorOf := map[string]string{"procs": reading.SensorProcesses}
	for _, p := range panelDefs() {
		if p.name != "alerts" { // every sensor's
			sensorOf[p.name] = p.sensor
		}
	}
	ps := config.TUIPanels()
	if len(m.opts.Config.Panels) > 0 {
		ps = slices.DeleteFunc(ps, func(p string) bool { return !slices.Contains(m.opts.Config.Panels, p) })
	}
	ps = slices.DeleteFunc(ps, func(p string) bool { return sensorOf[p] != "" && m.sensorOff(sensorOf[p]) })
	if !slices.Equal(ps, m.panels) {
		m.panels = ps
		m.tick++
		m.ver["style"] = m.tick
	}
}

// Init starts waiting for readings.
func (m *Model) Init() tea.Cmd {
	if m.opts.Remote != nil {
		return tea.Batch(waitReadings(m.opts.Readings), m.pollRemote())
	}
	return waitReadings(m.opts.Readings)
}

// idleRate is how often a second Bubble Tea wakes for nothing. With its
// renderer off (the dashboard draws on demand through its screen) v2.1.1
// still runs its frame ticker, to flush escape sequences of its own that
// the dashboard never asks for; 1, the least it takes, where its default
// is 60.
const idleRate = 1

// gatherWindow is how long the first reading of a batch waits for the
// rest of its second: sensors on one cadence arrive a few milliseconds
// apart, and one frame for all of them costs a fraction of one per sensor.
// Keys do not wait on it.
const gatherWindow = 40 * time.Millisecond

func waitReadings(ch <-chan reading.Reading) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			return closedMsg{}
		}
		batch := readingsMsg{r}
		timer := time.NewTimer(gatherWindow)
		defer timer.Stop()
		for len(batch) < 64 {
			select {
			case r, ok := <-ch:
				if !ok {
					return batch
				}
				batch = append(batch, r)
			case <-timer.C:
				return batch
			}
		}
		return batch
	}
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		return m, nil
	case readingsMsg:
		for i := range msg {
			m.ingest(&msg[i])
		}
		return m, tea.Batch(waitReadings(m.opts.Readings), m.refreshDetail(msg))
	case closedMsg:
		return m, tea.Quit
	case replayTickMsg:
		return m, m.replayTicked(msg)
	case remoteTickMsg:
		return m, m.pollRemote()
	case detailMsg:
		if m.view == viewDetail && m.detail != nil && m.detail.pid == msg.pid {
			// A rate needs two samples: the inspector reads one, so the
			// CPU % comes from the table.
			if msg.err == nil && msg.detail.CPUPercent == 0 {
				for i := range m.table.procs {
					if m.table.procs[i].PID == msg.pid {
						msg.detail.CPUPercent = m.table.procs[i].CPUPercent
						msg.detail.ChildrenCPUPercent = m.table.procs[i].ChildrenCPUPercent
						break
					}
				}
			}
			m.detail = &msg
		}
		return m, nil
	case signalMsg:
		m.signalled(msg)
		return m, nil
	case explainMsg:
		if m.view == viewExplain {
			m.explained = &msg
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		return m, m.keyText(msg.Content)
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
		return m, nil
	case tea.MouseWheelMsg:
		switch m.view {
		case viewMain:
			wheel(&m.table, msg.Mouse().Button)
		case viewCgroups:
			wheel(&m.cgroups, msg.Mouse().Button)
		}
		return m, nil
	}
	return m, nil
}

// ingest takes one reading into the panels' state.
func (m *Model) ingest(r *reading.Reading) {
	m.tick++
	m.ver[r.Sensor] = m.tick
	if r.Time.After(m.now) {
		m.now = r.Time
	}
	m.alerts.add(r)
	m.addEvents(r)
	if len(r.Transitions) > 0 {
		m.ver["alerts"] = m.tick
	}
	if r.Err != "" {
		// Keep the last good values on screen but say the sensor failed.
		if prev := m.last[r.Sensor]; prev != nil {
			cp := *prev
			cp.Err = r.Err
			m.last[r.Sensor] = &cp
			return
		}
	}
	cp := *r
	m.last[r.Sensor] = &cp
	if r.Err != "" {
		return
	}
	switch r.Sensor {
	case reading.SensorCPU:
		if v, ok := r.Value(reading.CPUUsage); ok {
			m.cpuHist.push(v)
		}
		if v, ok := r.Value(reading.CPUCores); ok && v >= 1 {
			m.cores = int(v)
		}
	case reading.SensorMemory:
		if v, ok := r.Value(reading.MemUsedPercent); ok {
			m.memHist.push(v)
		}
		if v, ok := r.Value(reading.SwapUsedPercent); ok {
			m.swapHist.push(v)
		}
	case reading.SensorNetwork:
		rx, tx := r.NetRates()
		m.rxHist.push(rx)
		m.txHist.push(tx)
	case reading.SensorProcesses:
		m.table.setProcs(r.Processes)
	case reading.SensorCgroups:
		m.ingestCgroups(r)
	case reading.SensorSelf:
		if m.opts.Health != nil {
			m.health = m.opts.Health()
			m.showPanels()
		}
	}
	if m.message != "" && r.Time.Sub(m.msgAt) > 5*time.Second {
		m.message = ""
	}
}

// say puts a message in the status bar for a few seconds.
func (m *Model) say(bad bool, msg string) {
	m.message = msg
	m.msgBad = bad
	m.msgAt = m.now
}

// intervalSteps are the cadences + and - step through.
func intervalSteps() [9]time.Duration {
	return [9]time.Duration{
		250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		3 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
	}
}

func (m *Model) stepInterval(up bool) {
	if m.opts.SetInterval == nil {
		m.say(true, m.tx.IntervalFixed())
		return
	}
	steps := intervalSteps()
	i, _ := slices.BinarySearch(steps[:], m.every)
	switch {
	case up && i < len(steps) && steps[i] == m.every:
		i++
	case !up:
		i--
	}
	i = max(0, min(i, len(steps)-1))
	m.every = steps[i]
	m.opts.SetInterval(m.every)
	m.say(false, m.tx.RefreshEvery(interval(m.every)))
}

// key handles a key press in the current view.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.table.typing {
		filterKey(&m.table, msg)
		return nil
	}
	a := m.keys.match(msg, m.replay != nil && (m.view == viewMain || m.view == viewCgroups))
	switch m.view {
	case viewCgroups:
		return m.cgroupsKey(msg, a)
	case viewHelp:
		if a == actQuit && msg.String() != "q" {
			return tea.Quit
		}
		m.view, m.helpFrom = m.helpFrom, viewMain
		return nil
	case viewDetail:
		switch {
		case msg.Code == tea.KeyEscape || msg.String() == "q" || a == actDetail:
			m.view, m.detail = viewMain, nil
		case a == actSignal:
			return m.openSignal()
		case a == actQuit:
			return tea.Quit
		}
		return nil
	case viewSignal, viewConfirm:
		return m.signalKey(msg, a)
	case viewEvents:
		if m.eventsKey(msg.Code, msg.String(), a) {
			return tea.Quit
		}
		return nil
	case viewExplain:
		switch {
		case msg.Code == tea.KeyEscape || msg.String() == "q" || a == actExplain:
			m.view, m.explained = viewMain, nil
		case a == actQuit:
			return tea.Quit
		default:
			pageKey(&m.explainOffset, a, m.explainRows(), len(m.explainBody()))
		}
		return nil
	case viewExited:
		return m.exitedKey(msg, a)
	}
	if msg.Code == tea.KeyEscape {
		switch {
		case m.table.filter != "":
			m.table.setFilter("")
			return nil
		case m.table.cgroup != "":
			m.table.setCgroup("", "")
			return nil
		case m.replay != nil && !m.replay.mark.IsZero():
			m.replay.mark = time.Time{}
			return nil
		}
		return tea.Quit
	}
	if m.replay != nil {
		if cmd, ok := m.replayKey(a); ok {
			return cmd
		}
	}
	switch a {
	case actQuit:
		return tea.Quit
	case actHelp:
		m.view = viewHelp
	case actEvents:
		m.view, m.events.offset = viewEvents, 0
	case actDetail:
		return m.openDetail()
	case actExplain:
		return m.openExplain()
	case actSignal:
		return m.openSignal()
	case actFilter:
		m.table.typing = true
	case actTree:
		m.table.setTree(!m.table.tree)
	case actCgroups:
		m.openCgroups()
	case actExited:
		m.view = viewExited
	case actSortNext:
		m.table.setSort(m.table.sortCol+1, false)
	case actSortPrev:
		m.table.setSort(m.table.sortCol+numColumns-1, false)
	case actSortCPU:
		m.table.setSort(colCPU, true)
	case actSortMem:
		m.table.setSort(colMem, true)
	case actSortPID:
		m.table.setSort(colPID, true)
	case actSortTime:
		m.table.setSort(colTime, true)
	case actSortUser:
		m.table.setSort(colUser, true)
	case actReverse:
		m.table.setReverse(!m.table.reverse)
	case actIntervalUp:
		m.stepInterval(true)
	case actIntervalDown:
		m.stepInterval(false)
	case actIrix:
		m.irix = !m.irix
		if m.irix {
			m.say(false, m.tx.IrixMode())
		} else {
			m.say(false, m.tx.SolarisMode(m.cores))
		}
	default:
		moveKey(&m.table, a, max(1, m.lay.tableRows-1))
	}
	return nil
}

// keyText handles pasted text, which Bubble Tea delivers as one message:
// each character is a key of its own, so "PPP" sorts as often as three
// presses do, and the rest of them go to the filter once one of them
// opened it. (Keys typed fast arrive one message each.)
func (m *Model) keyText(s string) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range s {
		if m.table.typing {
			typeFilter(&m.table, s[i:])
			break
		}
		if m.view == viewCgroups && m.cgroups.typing {
			typeFilter(&m.cgroups, s[i:])
			break
		}
		cmds = append(cmds, m.key(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
	return tea.Batch(cmds...)
}

// click selects a row or sorts by a clicked header.
func (m *Model) click(msg tea.Mouse) {
	if m.view != viewMain || msg.Button != tea.MouseLeft {
		return
	}
	switch y := msg.Y - m.lay.tableY; {
	case y == 0:
		if c, ok := m.table.columnAt(msg.X, m.w); ok {
			m.table.setSort(c, true)
		}
	case y > 0 && y <= m.lay.tableRows:
		m.table.selectRow(m.table.offset + y - 1)
	}
}

// Run shows the dashboard until the user quits, ctx is done, or the reading
// channel closes. The terminal is restored on every way out, a panic
// included.
func Run(ctx context.Context, opts Options) error {
	return runTUI(ctx, opts.Input, opts.Output, opts.Environ, func(prof colorprofile.Profile, mono bool) (tea.Model, func(w, h int)) {
		if mono {
			opts.Config.Theme = "mono"
		}
		m := New(opts, prof)
		return m, func(w, h int) { m.w, m.h = w, h }
	})
}

// runTUI runs the model build makes for the terminal's colour profile
// (mono when NO_COLOR asks for no colour) on out, until it quits or ctx
// is done, and restores the terminal on every way out. setSize gives the
// model a size when out is no terminal to ask.
func runTUI(ctx context.Context, input io.Reader, out io.Writer, env []string,
	build func(prof colorprofile.Profile, mono bool) (m tea.Model, setSize func(w, h int))) error {
	if out == nil {
		out = os.Stdout
	}
	if env == nil {
		env = os.Environ()
	}
	prof := colorprofile.Detect(out, env)
	mono := noColor(env)
	if mono {
		// NO_COLOR asks for no colour, not no attributes: keep bold and
		// reverse, which the mono theme uses for emphasis and selection.
		prof = min(prof, colorprofile.ASCII)
	}
	if input == nil {
		// Keys come from the terminal even when stdin is redirected, as
		// Bubble Tea reads them when it is given no input.
		input = os.Stdin
		if !term.IsTerminal(os.Stdin.Fd()) {
			tty, ttyOut, err := tea.OpenTTY()
			if err != nil {
				return fmt.Errorf("tui: %w", err)
			}
			defer tty.Close()
			if ttyOut != tty {
				defer ttyOut.Close()
			}
			input = tty
		}
	}
	w, h, outFd := 0, 0, ^uintptr(0)
	if f, ok := out.(interface{ Fd() uintptr }); ok && term.IsTerminal(f.Fd()) {
		outFd = f.Fd()
		w, h, _ = term.GetSize(outFd)
	}
	if w <= 0 || h <= 0 {
		// No terminal to ask for its size (a pipe, a recording): take
		// COLUMNS and LINES, else the classic 80×24.
		w, h = envSize(environ(env), "COLUMNS", 80), envSize(environ(env), "LINES", 24)
	}
	m, setSize := build(prof, mono)
	setSize(w, h)
	scr := newScreen(out, h)
	t, err := takeTerminal(input, out, scr)
	if err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	defer t.restore()
	// Signals have one owner, the caller, who cancels ctx: Bubble Tea's own
	// handler raced it and could block for ever sending to a loop that had
	// already left (see runProgram). Its renderer is off: the dashboard
	// draws through scr (screen.go).
	p := tea.NewProgram(&onScreen{Model: m, scr: scr, term: t},
		tea.WithoutSignalHandler(), tea.WithoutRenderer(), tea.WithInput(input), tea.WithOutput(out),
		tea.WithEnvironment(env), tea.WithColorProfile(prof), tea.WithWindowSize(w, h), tea.WithFPS(idleRate))
	if outFd != ^uintptr(0) {
		sizeCtx, stop := context.WithCancel(ctx)
		done := watchSize(sizeCtx, outFd, p.Send)
		defer func() { stop(); <-done }()
	}
	err = runProgram(ctx, p, t.restore, quitWait)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("tui: recovered from a panic: %w", err)
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil
	}
	return fmt.Errorf("tui: %w", err)
}

func envSize(env environ, name string, def int) int {
	if n, err := strconv.Atoi(env.Getenv(name)); err == nil && n > 0 && n < 10000 {
		return n
	}
	return def
}

func noColor(env []string) bool {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}

// environ looks variables up in an environment list.
type environ []string

func (e environ) Getenv(k string) string {
	for _, kv := range e {
		if v, ok := strings.CutPrefix(kv, k+"="); ok {
			return v
		}
	}
	return ""
}
