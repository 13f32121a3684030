package config

import (
	"fmt"
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
// Decoding validates every field and names the line of a bad value.
type TUI struct {
	// Theme is one of TUIThemes; empty means dark.
	Theme string `yaml:"theme"`
	// Panels lists the visible panels in the order of TUIPanels; empty means
	// all of them.
	Panels []string `yaml:"panels"`
	// Keys rebinds actions: action name (one of TUIActions) → keys. An
	// action not named keeps its default keys.
	Keys map[string][]string `yaml:"keys"`
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
	"detail", "signal", "filter", "tree",
	"sort_next", "sort_prev", "sort_cpu", "sort_mem", "sort_pid", "sort_time", "sort_user", "reverse",
	"interval_up", "interval_down", "irix", "help", "quit",
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

// UnmarshalYAML decodes and validates the section, naming the line of the
// first bad value.
func (t *TUI) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: tui: want a mapping of theme, panels and keys", n.Line)
	}
	var out TUI
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "theme":
			if v.Kind != yaml.ScalarNode || !slices.Contains(TUIThemes(), v.Value) {
				return fmt.Errorf("line %d: tui.theme: %q is not a theme (want one of %s)", v.Line, v.Value, strings.Join(TUIThemes(), ", "))
			}
			out.Theme = v.Value
		case "panels":
			names, err := stringList(v, "tui.panels")
			if err != nil {
				return err
			}
			for j, p := range names {
				if !slices.Contains(TUIPanels(), p) {
					return fmt.Errorf("line %d: tui.panels: unknown panel %q (want some of %s)", v.Content[j].Line, p, strings.Join(TUIPanels(), ", "))
				}
				if slices.Contains(names[:j], p) {
					return fmt.Errorf("line %d: tui.panels: panel %q listed twice", v.Content[j].Line, p)
				}
			}
			out.Panels = names
		case "keys":
			keys, err := decodeKeys(v)
			if err != nil {
				return err
			}
			out.Keys = keys
		default:
			return fmt.Errorf("line %d: tui: unknown field %q (want theme, panels or keys)", k.Line, k.Value)
		}
	}
	*t = out
	return nil
}

func decodeKeys(n *yaml.Node) (map[string][]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: tui.keys: want a mapping of action to keys", n.Line)
	}
	keys := make(map[string][]string, len(n.Content)/2)
	owner := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		a, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(TUIActions(), a.Value) {
			return nil, fmt.Errorf("line %d: tui.keys: unknown action %q (want one of %s)", a.Line, a.Value, strings.Join(TUIActions(), ", "))
		}
		if _, dup := keys[a.Value]; dup {
			return nil, fmt.Errorf("line %d: tui.keys: action %q bound twice", a.Line, a.Value)
		}
		var list []string
		if v.Kind == yaml.ScalarNode {
			list = []string{v.Value}
		} else {
			var err error
			if list, err = stringList(v, "tui.keys."+a.Value); err != nil {
				return nil, err
			}
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("line %d: tui.keys.%s: no keys given", v.Line, a.Value)
		}
		for j, k := range list {
			line := v.Line
			if v.Kind == yaml.SequenceNode {
				line = v.Content[j].Line
			}
			if !ValidKey(k) {
				return nil, fmt.Errorf("line %d: tui.keys.%s: %q is not a key (want a character, ctrl+<letter>, alt+<key> or a name such as up, pgdown, enter, esc, f1)", line, a.Value, k)
			}
			if o, taken := owner[k]; taken {
				return nil, fmt.Errorf("line %d: tui.keys.%s: key %q is already bound to %s", line, a.Value, k, o)
			}
			owner[k] = a.Value
		}
		keys[a.Value] = list
	}
	return keys, nil
}

func stringList(n *yaml.Node, field string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: %s: want a list", n.Line, field)
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: %s: want a plain value", c.Line, field)
		}
		out = append(out, c.Value)
	}
	return out, nil
}
