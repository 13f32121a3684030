package main

import (
	"io"
	"log/slog"
	"strings"
)

// logLevels are --log-level's values, least severe first; completion
// offers them and setup accepts exactly these.
var logLevels = []struct {
	name  string
	level slog.Level
}{
	{"debug", slog.LevelDebug},
	{"info", slog.LevelInfo},
	{"warn", slog.LevelWarn},
	{"error", slog.LevelError},
}

// logFormats are --log-format's values: slog's text form for a person
// reading a terminal, one JSON object a line for journald and log shippers.
var logFormats = []string{"text", "json"}

func logLevelNames() []string {
	names := make([]string, len(logLevels))
	for i, l := range logLevels {
		names[i] = l.name
	}
	return names
}

// newLogger builds the logger every component of a command is scoped from,
// writing to w (stderr, or the dashboard's buffer) in the given format.
// The keys of its lines are documented in docs/logging.md.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	lv := slog.Level(0)
	found := false
	for _, l := range logLevels {
		if l.name == level {
			lv, found = l.level, true
		}
	}
	if !found {
		return nil, usagef("--log-level %q: want %s", level, strings.Join(logLevelNames(), ", "))
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv})), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv, ReplaceAttr: durationText})), nil
	}
	return nil, usagef("--log-format %q: want %s", format, strings.Join(logFormats, " or "))
}

// durationText writes a duration as the text form does ("1.5s"), not as
// the JSON handler's nanoseconds: a person reads these fields too, and the
// config file writes durations the same way.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
