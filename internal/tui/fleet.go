package tui

import (
	"context"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/fleet"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// fleetSnapMsg is one refresh of the fleet.
type fleetSnapMsg fleet.Snapshot

// fleetTickMsg asks for the next refresh.
type fleetTickMsg struct{}

// fleetHistMsg is the detail pane's answer.
type fleetHistMsg fleet.History

// FleetSource is what the fleet view reads; *fleet.Fleet satisfies it.
// The view calls each method from a command's goroutine, at most one
// Refresh and one History at a time, and expects them to return within
// the client's timeout with failures inside the answer.
type FleetSource interface {
	Refresh(ctx context.Context, now time.Time) fleet.Snapshot
	History(ctx context.Context, instance string, now time.Time, span time.Duration, points int) fleet.History
}

// FleetOptions configure the fleet view.
type FleetOptions struct {
	Source FleetSource
	// URL names the source in the header.
	URL string
	// Refresh is the cadence of refreshes; + and - change it live.
	Refresh time.Duration
	// History is the span of the detail pane; zero means 1h.
	History time.Duration
	// Group is the label rows start grouped by; empty for none.
	Group string
	// Level gives the status of a value by vigia's metric name (cpu.usage,
	// mem.used_percent, load.percent, fs.used_percent) under the rules the
	// caller runs; nil colours no value.
	Level func(metric string, v float64) reading.Status
	// Attach is the command that shows the vigia agent at url, full
	// screen, until the user quits it (vigia top --remote url); Enter runs
	// it for the selected host. Nil opens no host.
	Attach attachCmd
	Config config.TUI
	Text   *text.Text
	// Now is the wall clock; nil is time.Now.
	Now     func() time.Time
	Input   io.Reader
	Output  io.Writer
	Environ []string
}

// FleetModel is the fleet view's Bubble Tea model, used through a pointer.
type FleetModel struct {
	// ctx bounds the queries the model's commands run; it is the Run's.
	ctx  context.Context
	opts FleetOptions
	tx   *text.Text
	keys keyMap
	th   *theme
	w, h int

	every      time.Duration
	snap       fleet.Snapshot // the last answer with hosts
	err        error          // the last refresh's failure, if it failed
	problems   []fleet.Problem
	answered   bool
	refreshing bool

	table fleetTable
	help  bool

	detail     bool
	hist       *fleet.History
	histAsking bool

	message string
	msgAt   time.Time
}

// NewFleet builds the fleet view for colour profile prof.
func NewFleet(ctx context.Context, opts FleetOptions, prof colorprofile.Profile) *FleetModel {
	if opts.Refresh <= 0 {
		opts.Refresh = 5 * time.Second
	}
	if opts.History <= 0 {
		opts.History = time.Hour
	}
	if opts.Text == nil {
		opts.Text = text.For(text.English)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	keys := newKeyMap(opts.Config.Keys, opts.Text)
	for a, b := range keys.bind {
		b.SetHelp(b.Help().Key, opts.Text.FleetKeyHelp(string(a)))
		keys.bind[a] = b
	}
	m := &FleetModel{ctx: ctx, opts: opts, tx: opts.Text, keys: keys, th: themeFor(prof, opts.Config.Theme), every: opts.Refresh}
	m.table.init(opts.Group)
	return m
}

// Init asks for the first refresh.
func (m *FleetModel) Init() tea.Cmd { return m.refresh() }

func (m *FleetModel) refresh() tea.Cmd {
	if m.refreshing {
		return nil
	}
	m.refreshing = true
	src, ctx, now := m.opts.Source, m.ctx, m.opts.Now()
	return func() tea.Msg { return fleetSnapMsg(src.Refresh(ctx, now)) }
}

func (m *FleetModel) askHistory() tea.Cmd {
	h, ok := m.table.selected()
	if !ok || m.histAsking {
		return nil
	}
	m.histAsking = true
	src, ctx, now, span := m.opts.Source, m.ctx, m.opts.Now(), m.opts.History
	points := max(2*(m.w/2-4), 30)
	return func() tea.Msg { return fleetHistMsg(src.History(ctx, h.Instance, now, span, points)) }
}

// Update handles one message.
func (m *FleetModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case fleetSnapMsg:
		m.refreshing, m.answered = false, true
		m.err, m.problems = msg.Err, msg.Problems
		if msg.Err == nil {
			// A failed refresh keeps the last hosts on screen, said stale.
			m.snap = fleet.Snapshot(msg)
			m.table.setHosts(m.snap.Hosts)
		}
		every := m.every
		cmds := []tea.Cmd{tea.Tick(every, func(time.Time) tea.Msg { return fleetTickMsg{} })}
		if m.detail {
			cmds = append(cmds, m.askHistory())
		}
		return m, tea.Batch(cmds...)
	case fleetTickMsg:
		return m, m.refresh()
	case fleetBackMsg:
		return m, m.back(msg)
	case fleetHistMsg:
		m.histAsking = false
		if h, ok := m.table.selected(); ok && h.Instance == msg.Instance {
			hist := fleet.History(msg)
			m.hist = &hist
		}
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		for _, r := range msg.Content {
			if !m.table.typing {
				break
			}
			typeFilter(&m.table, string(r))
		}
	case tea.MouseWheelMsg:
		wheel(&m.table, msg.Mouse().Button)
	}
	return m, nil
}

func (m *FleetModel) say(msg string) { m.message, m.msgAt = msg, m.opts.Now() }

// key handles a key press.
func (m *FleetModel) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.table.typing {
		filterKey(&m.table, msg)
		return nil
	}
	a := m.keys.match(msg, false)
	if m.help {
		m.help = false
		if a == actQuit && msg.String() != "q" {
			return tea.Quit
		}
		return nil
	}
	if msg.Code == tea.KeyEscape {
		switch {
		case m.detail:
			m.detail, m.hist = false, nil
		case m.table.filter != "":
			m.table.setFilter("")
		default:
			return tea.Quit
		}
		return nil
	}
	before, _ := m.table.selected()
	defer func() {
		// The pane follows the selection.
		if after, _ := m.table.selected(); m.detail && after.Instance != before.Instance {
			m.hist = nil
		}
	}()
	switch a {
	case actQuit:
		return tea.Quit
	case actHelp:
		m.help = true
	case actFilter:
		m.table.typing = true
	case actTree:
		if g := m.table.nextGroup(); g == "" {
			m.say(m.tx.FleetUngrouped())
		} else {
			m.say(m.tx.FleetGroupedBy(g))
		}
	case actSortNext:
		m.table.setSort(m.table.next(1), false)
	case actSortPrev:
		m.table.setSort(m.table.next(-1), false)
	case actSortCPU:
		m.table.setSort(fcCPU, true)
	case actSortMem:
		m.table.setSort(fcMem, true)
	case actSortPID:
		m.table.setSort(fcHost, true)
	case actSortTime:
		m.table.setSort(fcState, true)
	case actSortUser:
		m.table.setSort(fcAlerts, true)
	case actReverse:
		m.table.reverse = !m.table.reverse
		m.table.build()
	case actIntervalUp, actIntervalDown:
		m.stepRefresh(a == actIntervalUp)
	case actDetail:
		return m.open()
	case "":
		if msg.String() != fleetHistoryKey {
			return nil
		}
		m.detail = !m.detail
		m.hist = nil
		if m.detail {
			return m.askHistory()
		}
	default:
		moveKey(&m.table, a, max(1, m.h/2))
	}
	if m.detail && m.hist == nil {
		return m.askHistory()
	}
	return nil
}

// fleetSteps are the refreshes + and - step through: Prometheus rarely
// scrapes faster than each second or two.
var fleetSteps = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}

func (m *FleetModel) stepRefresh(up bool) {
	i := 0
	for i < len(fleetSteps)-1 && fleetSteps[i] < m.every {
		i++
	}
	if up {
		i++
	} else {
		i--
	}
	m.every = fleetSteps[max(0, min(i, len(fleetSteps)-1))]
	m.say(m.tx.RefreshEvery(interval(m.every)))
}

// View draws the frame.
func (m *FleetModel) View() tea.View {
	return tea.NewView(m.render())
}

// RunFleet shows the fleet view until the user quits or ctx is done. The
// terminal is restored on every way out.
func RunFleet(ctx context.Context, opts FleetOptions) error {
	return runTUI(ctx, opts.Input, opts.Output, opts.Environ, func(prof colorprofile.Profile, mono bool) (tea.Model, func(w, h int)) {
		if mono {
			opts.Config.Theme = "mono"
		}
		m := NewFleet(ctx, opts, prof)
		return m, func(w, h int) { m.w, m.h = w, h }
	})
}
