package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vigia-dev/vigia/internal/config"
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
)

// replayActions are the actions matched first in a replay.
func replayActions() []action {
	return []action{actPlay, actStep, actStepBack, actJump, actJumpBack, actJumpFar, actJumpFarBack, actFaster, actSlower, actStart, actFinish}
}

// defaultKeys are the bindings before the config file's; close to htop and
// top where they agree.
func defaultKeys() map[action]key.Binding {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return map[action]key.Binding{
		actUp:           b("select up", "up"),
		actDown:         b("select down", "down"),
		actPageUp:       b("page up", "pgup"),
		actPageDown:     b("page down", "pgdown", " "),
		actHome:         b("first process", "home", "g"),
		actEnd:          b("last process", "end", "G"),
		actDetail:       b("process details", "enter"),
		actSignal:       b("send a signal", "k", "f9"),
		actFilter:       b("filter by name, command, user, pid", "/", "f4"),
		actTree:         b("tree view", "t", "f5"),
		actSortNext:     b("sort by next column", ">", "right"),
		actSortPrev:     b("sort by previous column", "<", "left"),
		actSortCPU:      b("sort by CPU %", "P"),
		actSortMem:      b("sort by memory", "M"),
		actSortPID:      b("sort by PID", "N"),
		actSortTime:     b("sort by CPU time", "T"),
		actSortUser:     b("sort by user", "U"),
		actReverse:      b("reverse the order", "r"),
		actIntervalUp:   b("slower refresh", "+", "="),
		actIntervalDown: b("faster refresh", "-"),
		actIrix:         b("CPU %: per core / of all cores", "I"),
		actHelp:         b("this help", "?", "f1"),
		actQuit:         b("quit", "q", "f10"),
		actPlay:         b("play / pause", " "),
		actStep:         b("step to the next reading", "."),
		actStepBack:     b("step back a reading", ","),
		actJump:         b("1 min on", "]"),
		actJumpBack:     b("1 min back", "["),
		actJumpFar:      b("10 min on", "}"),
		actJumpFarBack:  b("10 min back", "{"),
		actFaster:       b("faster", ">"),
		actSlower:       b("slower", "<"),
		actStart:        b("to the start", "g"),
		actFinish:       b("to the end", "G"),
	}
}

// keyMap is the dashboard's bindings after the config file's; it is the
// help.KeyMap of the help view.
type keyMap struct {
	bind map[action]key.Binding
}

// newKeyMap applies rebinds (validated by config) over the defaults. A key
// the user moved to another action is taken off its default one.
func newKeyMap(rebind map[string]config.KeyList) keyMap {
	m := keyMap{bind: defaultKeys()}
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
	if k == "space" {
		return " "
	}
	return k
}

// match returns the action bound to msg, or "". In a replay the replay's
// actions come first, so their keys may be shared with the live ones.
func (m keyMap) match(msg tea.KeyMsg, replay bool) action {
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
	return m.list(actHelp, actFilter, actSignal, actTree, actSortNext, actQuit)
}

// replayShortHelp is the status-bar hint of a replay, in short words to
// leave room for the table's note.
func (m keyMap) replayShortHelp() []key.Binding {
	short := map[action]string{actHelp: "keys", actPlay: "play", actStep: "step", actJump: "+1 min", actFaster: "faster"}
	bs := m.list(actHelp, actPlay, actStep, actJump, actFaster)
	for i, b := range bs {
		for a, d := range short {
			if b.Help().Desc == m.bind[a].Help().Desc {
				bs[i].SetHelp(b.Help().Key, d)
			}
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
		m.list(actUp, actDown, actPageUp, actPageDown, actHome, actEnd, actDetail, actSignal, actFilter, actTree),
		m.list(actSortNext, actSortPrev, actSortCPU, actSortMem, actSortPID, actSortTime, actSortUser, actReverse),
		m.list(actIntervalUp, actIntervalDown, actIrix, actHelp, actQuit),
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
