package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/text"
)

// action names a rebindable command; the names are config.TUIActions.
type action string

const (
	actUp           action = "up"
	actDown         action = "down"
	actPageUp       action = "page_up"
	actPageDown     action = "page_down"
	actHome         action = "home"
	actEnd          action = "end"
	actDetail       action = "detail"
	actSignal       action = "signal"
	actFilter       action = "filter"
	actTree         action = "tree"
	actExited       action = "exited"
	actSortNext     action = "sort_next"
	actSortPrev     action = "sort_prev"
	actSortCPU      action = "sort_cpu"
	actSortMem      action = "sort_mem"
	actSortPID      action = "sort_pid"
	actSortTime     action = "sort_time"
	actSortUser     action = "sort_user"
	actReverse      action = "reverse"
	actIntervalUp   action = "interval_up"
	actIntervalDown action = "interval_down"
	actIrix         action = "irix"
	actCgroups      action = "cgroups"
	actEvents       action = "events"
	actExplain      action = "explain"
	actHelp         action = "help"
	actQuit         action = "quit"

	// The replay's keys; in a replay they win over the keys they share.
	actPlay        action = "replay_play"
	actStep        action = "replay_step"
	actStepBack    action = "replay_step_back"
	actJump        action = "replay_jump"
	actJumpBack    action = "replay_jump_back"
	actJumpFar     action = "replay_jump_far"
	actJumpFarBack action = "replay_jump_far_back"
	actFaster      action = "replay_faster"
	actSlower      action = "replay_slower"
	actStart       action = "replay_start"
	actFinish      action = "replay_end"
	actMark        action = "replay_mark"
)

// replayActions are the actions matched first in a replay.
func replayActions() []action {
	return []action{actPlay, actStep, actStepBack, actJump, actJumpBack, actJumpFar, actJumpFarBack, actFaster, actSlower, actStart, actFinish, actMark}
}

// defaultKeys are the bindings before the config file's; close to htop and
// top where they agree.
func defaultKeys(tx *text.Text) map[action]key.Binding {
	keys := map[action][]string{
		actUp:           {"up"},
		actDown:         {"down"},
		actPageUp:       {"pgup"},
		actPageDown:     {"pgdown", "space"},
		actHome:         {"home", "g"},
		actEnd:          {"end", "G"},
		actDetail:       {"enter"},
		actSignal:       {"k", "f9"},
		actFilter:       {"/", "f4"},
		actTree:         {"t", "f5"},
		actExited:       {"X"},
		actSortNext:     {">", "right"},
		actSortPrev:     {"<", "left"},
		actSortCPU:      {"P"},
		actSortMem:      {"M"},
		actSortPID:      {"N"},
		actSortTime:     {"T"},
		actSortUser:     {"U"},
		actReverse:      {"r"},
		actIntervalUp:   {"+", "="},
		actIntervalDown: {"-"},
		actIrix:         {"I"},
		actCgroups:      {"c"},
		actEvents:       {"e"},
		actExplain:      {"x"},
		actHelp:         {"?", "f1"},
		actQuit:         {"q", "f10"},
		actPlay:         {"space"},
		actStep:         {"."},
		actStepBack:     {","},
		actJump:         {"]"},
		actJumpBack:     {"["},
		actJumpFar:      {"}"},
		actJumpFarBack:  {"{"},
		actFaster:       {">"},
		actSlower:       {"<"},
		actStart:        {"g"},
		actFinish:       {"G"},
		actMark:         {"m"},
	}
	bind := make(map[action]key.Binding, len(keys))
	for a, ks := range keys {
		bind[a] = key.NewBinding(key.WithKeys(ks...), key.WithHelp(ks[0], tx.KeyHelp(string(a))))
	}
	return bind
}

// keyMap is the dashboard's bindings after the config file's; it is the
// help.KeyMap of the help view.
type keyMap struct {
	bind map[action]key.Binding
	tx   *text.Text
}

// newKeyMap applies rebinds (validated by config) over the defaults. A key
// the user moved to another action is taken off its default one.
func newKeyMap(rebind map[string]config.KeyList, tx *text.Text) keyMap {
	m := keyMap{bind: defaultKeys(tx), tx: tx}
	taken := map[string]bool{}
	for a, keys := range rebind {
		for _, k := range keys {
			taken[normKey(k)] = true
		}
		if b, ok := m.bind[action(a)]; ok && len(keys) > 0 {
			ks := make([]string, len(keys))
			for i, k := range keys {
				ks[i] = normKey(k)
			}
			b.SetKeys(ks...)
			b.SetHelp(ks[0], b.Help().Desc)
			m.bind[action(a)] = b
		}
	}
	for a, b := range m.bind {
		if _, rebound := rebind[string(a)]; rebound {
			continue
		}
		var keep []string
		for _, k := range b.Keys() {
			if !taken[k] {
				keep = append(keep, k)
			}
		}
		if len(keep) == 0 {
			b.SetEnabled(false)
		} else {
			b.SetKeys(keep...)
			b.SetHelp(keep[0], b.Help().Desc)
		}
		m.bind[a] = b
	}
	return m
}

// normKey spells a config key as bubbletea reports it.
func normKey(k string) string {
	if k == " " {
		return "space"
	}
	return k
}

// match returns the action bound to msg, or "". In a replay the replay's
// actions come first, so their keys may be shared with the live ones.
func (m keyMap) match(msg tea.KeyPressMsg, replay bool) action {
	if replay {
		for _, a := range replayActions() {
			if key.Matches(msg, m.bind[a]) {
				return a
			}
		}
	}
	for _, a := range config.TUIActions() {
		if strings.HasPrefix(a, "replay_") {
			continue
		}
		if b := m.bind[action(a)]; key.Matches(msg, b) {
			return action(a)
		}
	}
	return ""
}

// ShortHelp is the status-bar hint.
func (m keyMap) ShortHelp() []key.Binding {
	bs := m.list(actHelp, actFilter, actSignal, actTree, actSortNext, actCgroups, actQuit)
	for i, b := range bs {
		if b.Help().Desc == m.bind[actCgroups].Help().Desc {
			bs[i].SetHelp(b.Help().Key, m.tx.KeyHint(string(actCgroups)))
		}
	}
	return bs
}

// cgroupsShortHelp is the status-bar hint of the cgroups view: enter
// shows the selected group's processes, esc goes back.
func (m keyMap) cgroupsShortHelp() []key.Binding {
	bs := m.list(actHelp, actDetail, actFilter, actTree, actSortNext)
	for i, b := range bs {
		switch b.Help().Desc {
		case m.bind[actDetail].Help().Desc:
			bs[i].SetHelp(b.Help().Key, m.tx.KeyHint("procs_of"))
		case m.bind[actFilter].Help().Desc:
			bs[i].SetHelp(b.Help().Key, m.tx.KeyHint("cgroup_filter"))
		}
	}
	bs = append(bs, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", m.tx.KeyHint("back"))))
	return append(bs, m.list(actQuit)...)
}

// replayShortHelp is the status-bar hint of a replay, in short words to
// leave room for the table's note.
func (m keyMap) replayShortHelp() []key.Binding {
	short := []action{actHelp, actPlay, actStep, actJump, actFaster, actQuit}
	bs := m.list(short...)
	for i, b := range bs {
		for _, a := range short {
			if b.Help().Desc == m.bind[a].Help().Desc {
				bs[i].SetHelp(b.Help().Key, m.tx.KeyHint(string(a)))
			}
		}
	}
	return bs
}

// detailShortHelp is the status-bar hint of the detail view: the way
// back, the signal menu, and quit. q goes back there, so quit is shown by
// its other keys, or not at all.
func (m keyMap) detailShortHelp(signal bool) []key.Binding {
	bs := []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", m.tx.KeyHint("back")))}
	if signal {
		bs = append(bs, m.list(actSignal)...)
	}
	for _, q := range m.list(actQuit) {
		ks := slices.DeleteFunc(slices.Clone(q.Keys()), func(k string) bool { return k == "q" })
		if len(ks) > 0 {
			bs = append(bs, key.NewBinding(key.WithKeys(ks...), key.WithHelp(ks[0], q.Help().Desc)))
		}
	}
	return bs
}

// replayHelp is the help view's group of replay keys.
func (m keyMap) replayHelp() []key.Binding {
	return m.list(replayActions()...)
}

// FullHelp is every binding, grouped as the help view shows them.
func (m keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		m.list(actUp, actDown, actPageUp, actPageDown, actHome, actEnd, actDetail, actSignal, actFilter, actTree, actExited),
		m.list(actSortNext, actSortPrev, actSortCPU, actSortMem, actSortPID, actSortTime, actSortUser, actReverse),
		m.list(actIntervalUp, actIntervalDown, actIrix, actCgroups, actEvents, actExplain, actHelp, actQuit),
	}
}

func (m keyMap) list(as ...action) []key.Binding {
	out := make([]key.Binding, 0, len(as))
	for _, a := range as {
		if b := m.bind[a]; b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}
