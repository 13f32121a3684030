package config

import (
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// TUI is the `tui:` section: the dashboard's theme, panels and keys.
//
//	tui:
//	  theme: light            # dark (default), light or mono; NO_COLOR forces mono
//	  panels: [cpu, memory, procs]
//	  keys:
//	    signal: [x, f9]       # an action and the keys that trigger it
//
// Validation names the line of a bad theme, panel, action or key.
type TUI struct {
	// Theme is one of TUIThemes; empty means dark.
	Theme string `yaml:"theme"`
	// Panels lists the visible panels in the order of TUIPanels; empty means
	// all of them.
	Panels []string `yaml:"panels"`
	// Keys rebinds actions: action name (one of TUIActions) → keys. An
	// action not named keeps its default keys.
	Keys map[string]KeyList `yaml:"keys"`
}

// TUIThemes returns the theme names the dashboard knows.
func TUIThemes() []string { return []string{"dark", "light", "mono"} }

// TUIPanels returns the dashboard's panel names in display order.
func TUIPanels() []string {
	return []string{"cpu", "memory", "load", "temperature", "disk", "network", "alerts", "procs"}
}

// TUIActions returns the dashboard's rebindable actions, in the order its
// help lists them.
func TUIActions() []string {
	return []string{
		"up", "down", "page_up", "page_down", "home", "end",
		"detail", "signal", "filter", "tree", "exited",
		"sort_next", "sort_prev", "sort_cpu", "sort_mem", "sort_pid", "sort_time", "sort_user", "reverse",
		"interval_up", "interval_down", "irix", "cgroups", "events", "explain", "help", "quit",
		"replay_play", "replay_step", "replay_step_back", "replay_jump", "replay_jump_back",
		"replay_jump_far", "replay_jump_far_back", "replay_faster", "replay_slower", "replay_start", "replay_end", "replay_mark",
	}
}

// namedKeys returns the key names besides single characters, spelled as the
// terminal library reports them.
func namedKeys() []string {
	return []string{
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown", "enter", "tab",
		"shift+tab", "backspace", "delete", "insert", "esc", "space", " ",
		"ctrl+up", "ctrl+down", "ctrl+left", "ctrl+right", "shift+up", "shift+down",
		"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12",
	}
}

// ValidKey reports whether k names a key the dashboard can receive: a single
// printable character, a named key (up, pgdown, f9, …), ctrl+<letter>, or
// alt+ any of those.
func ValidKey(k string) bool {
	k = strings.TrimPrefix(k, "alt+")
	if k == "" {
		return false
	}
	if r, n := utf8.DecodeRuneInString(k); n == len(k) {
		return r != utf8.RuneError && r > ' ' && r != 0x7f
	}
	if slices.Contains(namedKeys(), k) {
		return true
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok && len(c) == 1 {
		return c[0] >= 'a' && c[0] <= 'z'
	}
	return false
}

// KeyList is the keys bound to one action; the file may give one key as a
// plain value or several as a list.
type KeyList []string

// UnmarshalYAML accepts `x` as well as `[x, f9]`.
func (k *KeyList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*k = KeyList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*k = list
	return nil
}

func (t *TUI) validate(v *Validator) {
	if t.Theme != "" && !slices.Contains(TUIThemes(), t.Theme) {
		v.Errorf(Path("tui", "theme"), "tui: theme %q unknown (want one of %s)", t.Theme, strings.Join(TUIThemes(), ", "))
	}
	for i, p := range t.Panels {
		switch {
		case !slices.Contains(TUIPanels(), p):
			v.Errorf(Path("tui", "panels", i), "tui: unknown panel %q (want some of %s)", p, strings.Join(TUIPanels(), ", "))
		case slices.Contains(t.Panels[:i], p):
			v.Errorf(Path("tui", "panels", i), "tui: panel %q listed twice", p)
		}
	}
	actions := make([]string, 0, len(t.Keys))
	for a := range t.Keys {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	owner := map[string]string{}
	for _, a := range actions {
		if !slices.Contains(TUIActions(), a) {
			v.Errorf(Path("tui", "keys", a), "tui: unknown action %q in keys (want one of %s)", a, strings.Join(TUIActions(), ", "))
			continue
		}
		if len(t.Keys[a]) == 0 {
			v.Errorf(Path("tui", "keys", a), "tui: no keys given for %s", a)
		}
		for j, k := range t.Keys[a] {
			at := Path("tui", "keys", a, j)
			if !ValidKey(k) {
				v.Errorf(at, "tui: %q (for %s) is not a key: want a character, ctrl+<letter>, alt+<key> or a name such as up, pgdown, enter, esc, f1", k, a)
				continue
			}
			if o, taken := owner[k]; taken {
				v.Errorf(at, "tui: key %q bound to both %s and %s", k, o, a)
				continue
			}
			owner[k] = a
		}
	}
}
