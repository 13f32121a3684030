package config

// TUI is the `tui:` section: the dashboard's theme, panels and keys.
// Owned by the dashboard; filled in with it.
type TUI struct{}
