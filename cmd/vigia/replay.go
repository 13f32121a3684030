package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/tui"
)

// replayFlags are top's flags for --replay.
type replayFlags struct {
	db, config, lang, from, to string
	speed                      int
}

// replayRange resolves --from and --to against the recording's span: to
// defaults to its end, from to an hour before to (or the span's start).
// The returned To is exclusive.
func replayRange(f replayFlags, first, last, now time.Time) (store.Range, error) {
	r := store.Range{From: first, To: last.Add(time.Millisecond)}
	if f.to != "" {
		t, err := store.ParseTime(f.to, now)
		if err != nil {
			return r, usagef("--to: %v", err)
		}
		r.To = t
	}
	r.From = r.To.Add(-time.Hour)
	if r.From.Before(first) {
		r.From = first
	}
	if f.from != "" {
		t, err := store.ParseTime(f.from, now)
		if err != nil {
			return r, usagef("--from: %v", err)
		}
		r.From = t
	}
	if !r.From.Before(r.To) {
		return r, usagef("--from %s is not before --to %s", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	return r, nil
}

func runReplay(ctx context.Context, e *env, f replayFlags) error {
	if f.speed < 1 || f.speed > 64 {
		return usagef("--speed %d: want 1 to 64", f.speed)
	}
	now := e.clock()
	// Parse the times before touching the database, so a typo says so
	// whatever the state of the history.
	for _, v := range []struct{ name, val string }{{"--from", f.from}, {"--to", f.to}} {
		if v.val == "" {
			continue
		}
		if _, err := store.ParseTime(v.val, now); err != nil {
			return usagef("%s: %v", v.name, err)
		}
	}
	cfg, _, err := loadConfig(e, f.config)
	if err != nil {
		return err
	}
	words, err := language(e, cfg.Language, f.lang)
	if err != nil {
		return err
	}
	path, err := historyPath(e, f.db, f.config)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no history database at %s: record one with vigia watch --record, vigia top --record or vigia serve", path)
	}
	s, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	first, last, ok, err := s.Span()
	if err != nil {
		return fmt.Errorf("history database %s: %w", path, err)
	}
	if !ok {
		return fmt.Errorf("history database %s is empty: nothing to replay", path)
	}
	rng, err := replayRange(f, first, last, now)
	if err != nil {
		return err
	}
	if !rng.From.Before(last.Add(time.Millisecond)) || !rng.To.After(first) {
		return fmt.Errorf("nothing recorded between %s and %s: %s holds %s to %s", rng.From.Format(time.DateTime), rng.To.Format(time.DateTime),
			path, first.Format(time.DateTime), last.Format(time.DateTime))
	}
	host, _ := os.Hostname()
	return tui.Run(ctx, tui.Options{
		Replay:    &tui.Replay{Source: s, From: rng.From, To: rng.To, Speed: f.speed, Follow: f.to == ""},
		Explainer: s,
		Config:    cfg.TUI,
		Hostname:  host,
		Text:      words,
	})
}
