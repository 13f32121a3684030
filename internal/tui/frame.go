package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// themeFor is the theme the config names (dark when it names none), mono
// on a terminal without colour whatever it names.
func themeFor(prof colorprofile.Profile, name string) *theme {
	if name == "" {
		name = "dark"
	}
	if prof <= colorprofile.ASCII {
		name = "mono"
	}
	return newTheme(prof, name)
}

// frameView is a frame in the terminal modes every view draws in: the
// whole screen, with the mouse's clicks and wheel.
func frameView(frame string) tea.View {
	v := tea.NewView(frame)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	return v
}
