package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/server"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/tables"
)

// explainFlags are report's flags for --explain.
type explainFlags struct {
	on     *bool
	at     *string
	before *string
}

func addExplainFlags(fs *flag.FlagSet) *explainFlags {
	return &explainFlags{
		on:     fs.Bool("explain", false, "rank what changed in a window against the span before it"),
		at:     fs.String("at", "", "with --explain: the `time` whose minute to explain (the minute up to it)"),
		before: fs.String("before", "", "with --explain: how long a `duration` before the window to compare with (default 4 × the window)"),
	}
}

// explainWindow reads the window to explain and the start of the span
// before it: --at's minute, --from/--to, --since, or the last minute.
func explainWindow(f *explainFlags, since, from, to string, now time.Time) (before, wfrom, wto time.Time, err error) {
	switch {
	case *f.at != "" && (since != "" || from != "" || to != ""):
		return before, wfrom, wto, errors.New("--at cannot be combined with --since, --from or --to")
	case *f.at != "":
		t, err := store.ParseTime(*f.at, now)
		if err != nil {
			return before, wfrom, wto, fmt.Errorf("--at: %w", err)
		}
		wfrom, wto = explain.At(t)
	case since == "" && from == "" && to == "":
		wfrom, wto = explain.At(now)
	case from == "" && since == "":
		t, err := store.ParseTime(to, now)
		if err != nil {
			return before, wfrom, wto, fmt.Errorf("--to: %w", err)
		}
		wfrom, wto = explain.At(t)
	default:
		rng, err := store.ParseRange(since, from, to, now)
		if err != nil {
			return before, wfrom, wto, err
		}
		wfrom, wto = rng.From, rng.To
	}
	before, _ = explain.Before(wfrom, wto)
	if *f.before != "" {
		d, err := time.ParseDuration(*f.before)
		if err != nil || d <= 0 {
			return before, wfrom, wto, fmt.Errorf("--before %q: want a positive duration such as 4m or 1h", *f.before)
		}
		before = wfrom.Add(-d)
	}
	return before, wfrom, wto, nil
}

// runExplain is report --explain.
func runExplain(e *env, d *dbFlags, f *explainFlags, since, from, to string, asJSON bool) error {
	before, wfrom, wto, err := explainWindow(f, since, from, to, e.clock())
	if err != nil {
		return usagef("%v", err)
	}
	words, s, err := d.open(e)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Explain(before, wfrom, wto)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(e.stdout, res)
	}
	tables.Explain(e.stdout, words, res, e.zone())
	return nil
}

// Explain answers /api/v1/explain from the agent's recording.
func (h *recordedHistory) Explain(_ context.Context, before, from, to time.Time) (explain.Result, error) {
	if h.rec == nil {
		return explain.Result{}, server.ErrNotFound
	}
	return h.rec.st.Explain(before, from, to)
}

// recordedElsewhere answers top's explain key when top does not record:
// from the history database another vigia (serve, top --record) writes,
// opened read-only the first time the key is pressed, so a top that never
// asks never touches it.
type recordedElsewhere struct {
	path string
	mu   sync.Mutex
	st   *store.Store
}

func (r *recordedElsewhere) Explain(before, from, to time.Time) (explain.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st == nil {
		if _, err := os.Stat(r.path); err != nil {
			return explain.Result{}, fmt.Errorf("no history database at %s: record with vigia top --record or vigia serve", r.path)
		}
		st, err := store.Open(r.path, store.Options{ReadOnly: true})
		if err != nil {
			return explain.Result{}, err
		}
		r.st = st
	}
	return r.st.Explain(before, from, to)
}

// close closes the database if the key opened it.
func (r *recordedElsewhere) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st != nil {
		r.st.Close()
	}
}
