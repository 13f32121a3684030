package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTUISection(t *testing.T) {
	t.Parallel()
	in := `
tui:
  theme: light
  panels: [cpu, memory, procs]
  keys:
    signal: x
    sort_mem: [m, f7]
`
	cfg, err := Parse("vigia.yaml", []byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := TUI{Theme: "light", Panels: []string{"cpu", "memory", "procs"}, Keys: map[string]KeyList{"signal": {"x"}, "sort_mem": {"m", "f7"}}}
	if diff := cmp.Diff(want, cfg.TUI); diff != "" {
		t.Errorf("tui section mismatch (-want +got):\n%s", diff)
	}
}

func TestTUISectionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"theme", "tui:\n  theme: neon\n", `vigia.yaml:2: tui: theme "neon" unknown (want one of dark, light, mono)`},
		{"panel", "tui:\n  panels:\n    - cpu\n    - gpu\n", `vigia.yaml:4: tui: unknown panel "gpu" (want some of cpu, memory, load, temperature, disk, network, alerts, procs)`},
		{"panel twice", "tui:\n  panels: [cpu, cpu]\n", `vigia.yaml:2: tui: panel "cpu" listed twice`},
		{"action", "tui:\n  keys:\n    explode: x\n", `vigia.yaml:3: tui: unknown action "explode" in keys (want one of up, down, page_up, page_down, home, end, detail, signal, filter, tree, exited, sort_next, sort_prev, sort_cpu, sort_mem, sort_pid, sort_time, sort_user, reverse, interval_up, interval_down, irix, cgroups, events, explain, help, quit, replay_play, replay_step, replay_step_back, replay_jump, replay_jump_back, replay_jump_far, replay_jump_far_back, replay_faster, replay_slower, replay_start, replay_end, replay_mark)`},
		{"bad key", "tui:\n  keys:\n    quit:\n      - q\n      - ctrl+shift+banana\n", `vigia.yaml:5: tui: "ctrl+shift+banana" (for quit) is not a key: want a character, ctrl+<letter>, alt+<key> or a name such as up, pgdown, enter, esc, f1`},
		{"same key twice", "tui:\n  keys:\n    quit: z\n    tree: z\n", `vigia.yaml:4: tui: key "z" bound to both quit and tree`},
		{"empty list", "tui:\n  keys:\n    quit: []\n", `vigia.yaml:3: tui: no keys given for quit`},
		{"unknown field", "tui:\n  colour: red\n", `vigia.yaml:2: unknown key "colour" in the tui section (see examples/vigia.yaml for every key)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("vigia.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want %q", tt.in, tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"q", "?", "+", "ñ", "ctrl+c", "alt+x", "f9", "pgdown", "enter", "esc", "shift+tab"} {
		if !ValidKey(k) {
			t.Errorf("ValidKey(%q) = false, want true", k)
		}
	}
	for _, k := range []string{"", "ab", "ctrl+", "ctrl+1", "alt+", "f99", "\x01", "\x7f"} {
		if ValidKey(k) {
			t.Errorf("ValidKey(%q) = true, want false", k)
		}
	}
}

// FuzzTUISection parses whatever may stand under tui: and wants either a
// section or an error with a line, never a panic.
func FuzzTUISection(f *testing.F) {
	f.Add("theme: light\npanels: [cpu, procs]\nkeys:\n  signal: [x, f9]\n")
	f.Add("keys:\n  quit: ctrl+\n")
	f.Add("panels: cpu\n")
	f.Add("keys: [a, b]\n")
	f.Add("keys:\n  quit: {a: b}\n")
	f.Fuzz(func(t *testing.T, body string) {
		in := "tui:\n"
		for _, l := range strings.Split(body, "\n") {
			in += "  " + l + "\n"
		}
		cfg, err := Parse("vigia.yaml", []byte(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "vigia.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for a, keys := range cfg.TUI.Keys {
			for _, k := range keys {
				if !ValidKey(k) {
					t.Fatalf("accepted key %q for %s", k, a)
				}
			}
		}
	})
}
