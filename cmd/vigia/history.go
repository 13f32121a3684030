package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/tables"
	"github.com/vigia-dev/vigia/internal/text"
)

const historyHelp = `
Usage: vigia history [--since 2h | --from T --to T] [--metric NAME] [--step 1m] [--json] [--db PATH]

Show a recorded metric over a time range: min, mean and max per step, and
on a terminal a sparkline of the whole range. Readings are recorded by
'vigia serve', and by 'vigia top' and 'vigia watch' with --record. Raw
readings are kept 24 hours and 1-minute aggregates 30 days (store: in the
config file changes both).

Times (--from, --to) are a duration ago (2h, 30m, 7d), an RFC 3339 time
(2026-11-28T03:00:00Z), YYYY-MM-DD HH:MM, or HH:MM today. Without a range
the last hour is shown.

One vigia records into a database at a time: a second recorder is refused
with the first one's PID. history and report read alongside the recorder.

--metric is a sensor (cpu, memory, load, temperature, disk, network,
processes, self) for its main metric, or a metric name with optional
labels, such as cpu.core.usage or 'fs.used_percent{mountpoint=/home}'.
Every series of the metric matching the labels is shown.

Examples:
  vigia history                                    # cpu over the last hour
  vigia history --since 24h --metric memory        # memory use over a day
  vigia history --from 03:00 --to 04:00 --metric cpu.core.usage --step 5m
  vigia history --metric 'fs.used_percent{mountpoint=/}' --since 7d --step 1h
  vigia history --list                             # every recorded metric
  vigia history --since 2h --json | jq '.series[0].points[-1]'
`

// dbFlags are the flags of the commands that read the history.
type dbFlags struct {
	db, configPath, lang string
}

func addDBFlags(fs *flag.FlagSet) *dbFlags {
	d := &dbFlags{}
	fs.StringVar(&d.db, "db", "", "history database `file` (default $XDG_DATA_HOME/vigia/vigia.db, or /var/lib/vigia/vigia.db for a system service)")
	fs.StringVar(&d.configPath, "config", "", "config `file` (default $XDG_CONFIG_HOME/vigia/vigia.yaml when it exists)")
	fs.StringVar(&d.lang, "lang", "", "language of messages, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	return d
}

// words picks the language as setup does, from the locale, the config
// file's language: and --lang.
func (d *dbFlags) words(e *env) (*text.Text, error) {
	cfg, _, err := loadConfig(e, d.configPath)
	if err != nil {
		return nil, err
	}
	return language(e, cfg.Language, d.lang)
}

// historyPath resolves the database: --db, then store.path in the config
// file, then the default location.
func historyPath(e *env, flagPath, configPath string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	cfg, _, err := loadConfig(e, configPath)
	if err != nil {
		return "", err
	}
	if cfg.Store.Path != "" {
		return cfg.Store.Path, nil
	}
	path, err := store.DefaultPath(e.getenv, systemService(e))
	if err == nil {
		if _, serr := os.Stat(path); serr == nil {
			return path, nil
		}
	}
	// A user reading what the system service records.
	system, _ := store.DefaultPath(e.getenv, true)
	if _, serr := os.Stat(system); serr == nil {
		return system, nil
	}
	return path, err
}

// systemService reports whether vigia runs as a system service: as root
// under systemd, which sets INVOCATION_ID for the units it starts.
func systemService(e *env) bool {
	return os.Geteuid() == 0 && e.getenv("INVOCATION_ID") != ""
}

// openRecorder opens the history database for recording, for serve (which
// records by default) and for top and watch with --record: dbFlag (--db)
// wins over the config file's store.path, which wins over the default
// location. The caller subscribes the store to the engine and runs
// Record(ctx, sub.C) in its own goroutine, then Close after Record returns.
func openRecorder(ctx context.Context, e *env, dbFlag string, cfg config.Store, logger *slog.Logger) (*store.Store, error) {
	path := dbFlag
	if path == "" {
		path = cfg.Path
	}
	if path == "" {
		var err error
		if path, err = store.DefaultPath(e.getenv, systemService(e)); err != nil {
			return nil, err
		}
	}
	if logger != nil {
		logger = logger.With("file", path) // every store line names the database
	}
	return store.OpenContext(ctx, path, store.Options{ // zero fields take the store's defaults
		Raw:          time.Duration(cfg.Raw),
		Aggregates:   time.Duration(cfg.Aggregates),
		Processes:    time.Duration(cfg.Processes),
		TopProcesses: cfg.TopProcesses,
		MaxSize:      int64(cfg.MaxSize),
		Logger:       logger,
	})
}

// open picks the language and opens the history read-only, as history and
// report do once their flags are checked.
func (d *dbFlags) open(e *env) (*text.Text, *store.Store, error) {
	words, err := d.words(e)
	if err != nil {
		return nil, nil, err
	}
	path, err := historyPath(e, d.db, d.configPath)
	if err != nil {
		return nil, nil, err
	}
	s, err := store.Open(path, store.Options{ReadOnly: true})
	return words, s, err
}

func runHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "history", historyHelp)
	d := addDBFlags(fs)
	since := fs.String("since", "", "show the last `duration` (2h, 30m, 7d)")
	from := fs.String("from", "", "start `time` (default an hour before --to)")
	to := fs.String("to", "", "end `time` (default now)")
	metric := fs.String("metric", "cpu", "`sensor or metric`, with optional {label=value,…}")
	step := fs.Duration("step", 0, "fold samples into steps of this `duration` (default: about 60 rows)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	list := fs.Bool("list", false, "list every recorded metric and its labels")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("history takes no arguments (got %q); use --metric", fs.Arg(0))
	}
	if *step < 0 || (*step > 0 && *step < time.Second) {
		return usagef("--step %v: want at least 1s", *step)
	}
	rng, err := store.ParseRange(*since, *from, *to, e.clock())
	if err != nil {
		return usagef("%v", err)
	}
	name, labels, err := parseMetricArg(*metric)
	if err != nil {
		return usagef("--metric: %v", err)
	}
	words, s, err := d.open(e)
	if err != nil {
		return err
	}
	defer s.Close()
	if *list {
		return listSeries(e.stdout, words, s)
	}
	st := *step
	if st == 0 {
		st = autoStep(rng.To.Sub(rng.From))
	}
	series, err := s.Series(name, labels, rng.From, rng.To, st)
	if errors.Is(err, store.ErrUnknownMetric) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, struct {
			From   time.Time            `json:"from"`
			To     time.Time            `json:"to"`
			Step   string               `json:"step"`
			Series []store.SeriesPoints `json:"series"`
		}{rng.From, rng.To, st.String(), series})
	}
	tables.History(e.stdout, words, series, rng, st, e.interactive, e.zone())
	return nil
}

// parseMetricArg splits name{labels}.
func parseMetricArg(s string) (string, []reading.Label, error) {
	name, rest, ok := strings.Cut(strings.TrimSpace(s), "{")
	if name == "" {
		return "", nil, fmt.Errorf("%q: empty metric name", s)
	}
	if !ok {
		return name, nil, nil
	}
	inner, ok := strings.CutSuffix(rest, "}")
	if !ok {
		return "", nil, fmt.Errorf("%q: labels must end with }", s)
	}
	labels, err := reading.ParseLabels(inner)
	return name, labels, err
}

// autoStep picks a round step giving about 60 rows over d.
func autoStep(d time.Duration) time.Duration {
	for _, s := range []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
		10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour} {
		if d/s <= 72 {
			return s
		}
	}
	return 24 * time.Hour
}

func listSeries(w io.Writer, tx *text.Text, s *store.Store) error {
	all, err := s.List()
	if err != nil {
		return err
	}
	tables.List(w, tx, all)
	return nil
}
