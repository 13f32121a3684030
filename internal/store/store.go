// Package store is vigia's history: an embedded SQLite database (pure Go, so
// the binary stays static) that records every reading the engine analyses
// and answers questions about the past. It is the only importer of the
// SQLite driver.
//
// Layout. Recording appends one journal row per reading (a second's worth
// per transaction), so a crash loses at most the last second. Every chunk
// span (10 minutes) the journal is compacted into one row per series
// holding its samples compressed (see codec.go), and 1-minute aggregates
// (min, mean, max, count) are computed for the same span; after two days
// they are rolled up into 10-minute aggregates (see rollup.go). Raw chunks
// and process samples are kept Options.Raw, aggregates Options.Aggregates.
//
// Concurrency. One process records into a file at a time: Open for writing
// takes an exclusive flock on PATH-lock and a second recorder is refused
// with a message naming the holder's PID. Readers (vigia history, report,
// replay) open read-only and run alongside the recorder, which WAL allows.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"
)

// Options configures a Store. Zero fields take the defaults given.
type Options struct {
	// Raw is how long every reading is kept (24h).
	Raw time.Duration
	// Aggregates is how long aggregates are kept (30 days): 1-minute ones
	// for two days, then rolled up into 10-minute ones.
	Aggregates time.Duration
	// Processes is how long the rows of processes that ended are kept (7
	// days): on a busy machine that starts a process a second they take
	// about 11 MiB a day.
	Processes time.Duration
	// MaxSize is the most bytes of the database's pages in use (500 MiB;
	// 30 days of the defaults on a busy server take about a third of it).
	// Past it the oldest data of the finest resolution is deleted first:
	// see budget.go.
	MaxSize int64
	// TopProcesses is how many processes by CPU, by memory and by storage
	// I/O (those with some) are kept of each procs reading (10).
	TopProcesses int
	// ReadOnly opens an existing database for queries only: no lock, no
	// migration, no writes.
	ReadOnly bool
	// FlushInterval is the most time a reading waits in memory before it is
	// written (500ms), so a crash loses at most the last second.
	FlushInterval time.Duration
	// MaxBacklog caps the bytes of encoded readings held in memory while the
	// disk refuses writes (16 MiB); past it the oldest are dropped and
	// counted.
	MaxBacklog int
	// Logger receives the store's rare log lines (nil: discard).
	Logger *slog.Logger
	// Now is the clock for retention and compaction (time.Now); tests set it.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Raw <= 0 {
		o.Raw = 24 * time.Hour
	}
	if o.Aggregates <= 0 {
		o.Aggregates = 30 * 24 * time.Hour
	}
	if o.Processes <= 0 {
		o.Processes = 7 * 24 * time.Hour
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.TopProcesses <= 0 {
		o.TopProcesses = 10
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = 500 * time.Millisecond
	}
	if o.MaxBacklog <= 0 {
		o.MaxBacklog = 16 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// DefaultMaxSize is Options.MaxSize's default.
const DefaultMaxSize = 500 << 20

// spanMS is the length of a chunk: journal rows older than the current span
// are compacted into one row per series and span.
const spanMS = int64(10 * time.Minute / time.Millisecond)

// minuteMS is the aggregates' resolution.
const minuteMS = int64(time.Minute / time.Millisecond)

// Store is an open history database. Queries are safe for concurrent use;
// Record is called at most once.
type Store struct {
	db   *sql.DB
	path string
	opts Options
	log  *slog.Logger
	lock *os.File

	mu           sync.Mutex // guards the fields below and the recorder's registries
	backlog      []op
	backlogBytes int
	dropped      uint64
	written      uint64
	lastErr      error
	errSince     time.Time
	recording    bool
	size         sizeState
	// pending tells the writer that the backlog has readings to write.
	pending chan struct{}
	// transactions counts the writes that committed readings.
	transactions uint64

	rec recorder // owned by Record's receiving goroutine
	// retainAt is when maintain next looks for data past retention
	// (owned by the writer).
	retainAt time.Time
}

// ErrForeign is returned by Open for a file that is not a vigia history
// database; the file is left untouched.
var ErrForeign = errors.New("not a vigia history database")

// ErrLocked is returned by Open when another process records into the file.
var ErrLocked = errors.New("database is being recorded by another vigia")

// ErrNoHistory is returned by a read-only Open of a file that does not
// exist.
var ErrNoHistory = errors.New("no history recorded yet")

// ErrNewer is returned by Open for a database written by a newer vigia.
var ErrNewer = errors.New("database written by a newer vigia")

// applicationID marks the file as vigia's ("vgia").
const applicationID = 0x76676961

const sqliteMagic = "SQLite format 3\x00"

// Open opens or creates the history database at path. A file that is not
// SQLite, or SQLite but not vigia's, is refused with ErrForeign and never
// written; an older schema is migrated in place.
func Open(path string, opts Options) (*Store, error) {
	return OpenContext(context.Background(), path, opts)
}

// OpenContext is Open that gives up once ctx is done, with an error that
// wraps ctx's. Opening for writing checks the whole file (quick_check) and
// may migrate it: on a large history on a slow disk that takes minutes, and
// a file another process holds locked makes each statement wait up to the
// busy timeout. A signal that stops the command must not wait for either.
func OpenContext(ctx context.Context, path string, opts Options) (*Store, error) {
	s, err := open(ctx, path, opts)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("history database %s: %w", path, context.Cause(ctx))
	}
	return s, err
}

func open(ctx context.Context, path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := checkHeader(path, opts.ReadOnly); err != nil {
		return nil, err
	}
	s := &Store{path: path, opts: opts, log: opts.Logger.With("db", path), pending: make(chan struct{}, 1)}
	dbPath := path
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("history database %s: %w", path, err)
		}
		// The lock is on the file itself, not on one of its names: a
		// second recorder must not write through a symbolic link.
		real, err := realPath(path)
		if err != nil {
			return nil, fmt.Errorf("history database %s: %w", path, err)
		}
		lk, err := lockFile(real + "-lock")
		if err != nil {
			return nil, fmt.Errorf("history database %s: %w", path, err)
		}
		s.lock = lk
		if err := privateFiles(real, s.log); err != nil {
			s.unlock()
			return nil, fmt.Errorf("history database %s: %w", path, err)
		}
		dbPath = real
	}
	// WAL is switched on only once the file is known to be ours: it
	// rewrites the header.
	dsn := "file:" + dbPath + "?_pragma=busy_timeout(5000)"
	if opts.ReadOnly {
		dsn += "&mode=ro"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		s.unlock()
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	// One connection: the recorder's transactions and the queries of one
	// process take turns, which SQLite would impose anyway.
	db.SetMaxOpenConns(1)
	s.db = db
	if err := s.prepare(ctx); err != nil {
		db.Close()
		s.unlock()
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	// synchronous=NORMAL is per connection and writes nothing. Not in the
	// DSN: it reads the schema, so it waits for a lock another process
	// holds, and the driver opens a connection without ctx (prepare
	// first tells a file that is not a database). The one
	// connection is kept for the store's life.
	if _, err := db.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		db.Close()
		s.unlock()
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	if !opts.ReadOnly {
		var mode string
		if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil || mode != "wal" {
			db.Close()
			s.unlock()
			return nil, fmt.Errorf("history database %s: cannot switch to WAL mode (%q): %v", path, mode, err)
		}
		if err := s.rec.load(ctx, s.db); err != nil {
			db.Close()
			s.unlock()
			return nil, fmt.Errorf("history database %s: %w", path, err)
		}
	}
	s.sizeNow()
	return s, nil
}

// checkHeader refuses a file that exists and is not SQLite before the
// driver can touch it.
func checkHeader(path string, readOnly bool) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if readOnly {
			return fmt.Errorf("history database %s: %w (record with `vigia serve`, or `vigia top --record`)", path, ErrNoHistory)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("history database %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // an empty file: a fresh database
	}
	if string(head[:n]) != sqliteMagic {
		return fmt.Errorf("history database %s: %w: it is not an SQLite file (refusing to touch it; move it away or pass another --db)", path, ErrForeign)
	}
	return nil
}

func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

// prepare checks identity and schema version, creating or migrating.
func (s *Store) prepare(ctx context.Context) error {
	var appID, version, tables int
	if err := s.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		if strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "malformed") {
			return fmt.Errorf("%w: the file is corrupt (%v); it was left as it is", ErrForeign, err)
		}
		return err
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return fmt.Errorf("%w: the file is corrupt (%v); it was left as it is", ErrForeign, err)
	}
	switch {
	case appID == 0 && version == 0 && tables == 0:
		if s.opts.ReadOnly {
			return fmt.Errorf("%w (the database is empty)", ErrNoHistory)
		}
		return s.create(ctx)
	case appID != applicationID:
		return fmt.Errorf("%w: an SQLite file of another application (application_id %#x); it was left as it is", ErrForeign, appID)
	case version > schemaVersion:
		return fmt.Errorf("%w (schema %d; this vigia reads up to %d)", ErrNewer, version, schemaVersion)
	}
	if !s.opts.ReadOnly {
		var check string
		if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil || check != "ok" {
			return fmt.Errorf("%w: the file is corrupt (integrity check: %s %v); it was left as it is", ErrForeign, check, err)
		}
	}
	if version < schemaVersion {
		if s.opts.ReadOnly {
			return fmt.Errorf("schema %d is older than %d: run a recorder once (vigia serve) to migrate it", version, schemaVersion)
		}
		return s.migrate(ctx, version)
	}
	return nil
}

func (s *Store) create(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range schema() {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) migrate(ctx context.Context, from int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for v := from; v < schemaVersion; v++ {
		steps := migration(v)
		if steps == nil {
			return fmt.Errorf("no migration from schema %d (the file is not as vigia wrote it)", v)
		}
		if done, err := migrated(ctx, tx, v); err != nil || done {
			if err != nil {
				return err
			}
			continue
		}
		for _, q := range steps {
			if has, err := addsExisting(ctx, tx, q); err != nil || has {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.log.Info("history database migrated", "from", from, "to", schemaVersion)
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close releases the database and the recording lock. Call it after Record
// has returned.
func (s *Store) Close() error {
	err := s.db.Close()
	s.unlock()
	return err
}

// Health returns the recorder's state in the shared vocabulary, as the
// status API and /metrics show it. Safe to call from any goroutine.
func (s *Store) Health() reading.StoreHealth {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := reading.StoreHealth{Backlog: len(s.backlog), BacklogBytes: s.backlogBytes,
		Dropped: s.dropped, Written: s.written, ErrSince: s.errSince,
		SizeBytes: s.size.used, MaxSizeBytes: s.opts.MaxSize, Evicted: s.size.evicted}
	if s.lastErr != nil {
		h.Err = s.lastErr.Error()
	}
	return h
}

// Err returns the last write error while writes are failing, and nil once
// they succeed again.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// DefaultPath returns where the database lives when --db is not given:
// /var/lib/vigia/vigia.db for a system service (system true), else
// $XDG_DATA_HOME/vigia/vigia.db, falling back to $HOME/.local/share.
// getenv is os.Getenv, or a test's.
func DefaultPath(getenv func(string) string, system bool) (string, error) {
	if system {
		return "/var/lib/vigia/vigia.db", nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vigia", "vigia.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("no home directory for the history database: set HOME or pass --db PATH")
	}
	return filepath.Join(home, ".local", "share", "vigia", "vigia.db"), nil
}

// ms converts a time to the database's milliseconds since the epoch.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

// statusMetric is the series name that records each reading's Status.
const statusMetric = ""
