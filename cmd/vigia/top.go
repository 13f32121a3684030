package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/tui"
)

const topHelp = `
vigia top — the full-screen dashboard and task manager.

Usage:
  vigia top [flags]

CPU, memory, load and pressure, temperatures, disks, network and alerts above
a process table you can sort, filter, view as a tree and signal. Every value
is coloured by its status under the same rules as 'vigia watch'. Press ? for
every key; q, Esc or Ctrl-C quits, and so do SIGINT, SIGTERM, SIGHUP and
SIGQUIT, each leaving the terminal as it was; + and - change the refresh
live. e lists events (OOM kills, throttling, pressure, processes started and
ended, alerts), c shows services and containers, X the processes that exited
between refreshes, x explains the last minute: what rose and fell against the four
minutes before, from what --record keeps or else what vigia serve records
(in a replay, the minute up to where it stands). Every sensor refreshes each second unless --interval or the config
file says otherwise. Theme, panels and keys come from the config file's tui: section;
NO_COLOR gives the monochrome theme.

Examples:
  vigia top
  vigia top --interval 500ms
  vigia top --sensors cpu,memory,processes
  vigia top --procfs /host/proc --sysfs /host/sys --rootfs /host
  vigia top --record                        # keep what it shows for vigia history
  vigia top --replay                        # the last recorded hour, again
  vigia top --replay --from 03:00 --to 04:00 --speed 8
  vigia top --remote https://db1:8519 --token-file ~/.config/vigia/db1.token

With --replay the dashboard shows the history database instead of the
machine: space plays and pauses, . and , step one reading, ] and [ jump a
minute, } and { ten, > and < change the speed (1× to 64×), g and G go to the
start and the end. The process table holds the top processes as recorded;
signals and process details are off. --from and --to take what vigia history
takes; from defaults to an hour before the end of the recording. Without
--to the replay follows a recording that is still being written (vigia serve
or top --record running): at the end it goes on into what came since.

With --remote the dashboard shows a vigia agent (vigia serve) on another
machine, live over its event stream: the header names the agent's host and
says REMOTE, and says when nothing came for three intervals. A dropped
connection is retried with a growing pause and resumes where it left off.
Process details come from the agent; signals are off.
`

// topInterval is the dashboard's default cadence, as htop's and top's.
const topInterval = time.Second

func runTop(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "top", topHelp)
	m := addMachineFlags(fs, "all")
	fs.Lookup("interval").Usage = "refresh every sensor at this `interval` (default 1s; + and - change it live)"
	record := fs.Bool("record", false, "also record readings in the history database (see vigia history)")
	db := fs.String("db", "", "history database `file` for --record and --replay (default $XDG_DATA_HOME/vigia/vigia.db)")
	replay := fs.Bool("replay", false, "show the recorded history instead of the machine")
	from := fs.String("from", "", "with --replay: start `time` (default an hour before the end of the recording)")
	to := fs.String("to", "", "with --replay: end `time` (default the end of the recording, followed as it grows)")
	speed := fs.Int("speed", 1, "with --replay: starting speed, 1 to 64")
	rf := addRemoteFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("top takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if rf.url != "" {
		if *replay || *record {
			return usagef("--remote excludes --replay and --record")
		}
		return runTopRemote(ctx, e, m, rf)
	}
	if rf.token != "" || rf.tokenFile != "" || rf.caFile != "" {
		return usagef("--token, --token-file and --ca-file need --remote")
	}
	if *replay {
		if *record {
			return usagef("--record and --replay exclude each other")
		}
		return runReplay(ctx, e, replayFlags{db: *db, config: m.configPath, lang: m.lang, from: *from, to: *to, speed: *speed})
	}
	if *from != "" || *to != "" || *speed != 1 {
		return usagef("--from, --to and --speed need --replay")
	}
	s, err := m.setupNotifying(e)
	if err != nil {
		return err
	}
	tuneGC(e.getenv, topGC)
	every := m.interval
	if every == 0 && s.cfg.Interval == 0 {
		// The dashboard refreshes as a whole: one cadence for every sensor
		// the config file did not set on its own.
		every = topInterval
		for name := range s.intervals {
			if c, ok := s.cfg.Sensors[name]; !ok || c.Interval == 0 {
				s.intervals[name] = every
			}
		}
	}
	if every == 0 {
		every = s.cfg.Interval
	}
	// Log lines would tear the full-screen frame: keep them until it is
	// closed, then print them.
	logs := &capWriter{max: 64 << 10}
	if s.logger, err = newLogger(logs, m.logLevel, m.logFormat); err != nil {
		return err
	}
	eng, err := s.newEngine()
	if err != nil {
		return err
	}
	sub := eng.Subscribe("top", 256)
	var rec *recording
	if *record {
		if rec, err = s.startRecording(ctx, e, eng, *db); err != nil {
			return err
		}
	}
	notifiers := s.startNotify(ctx, eng, time.Second)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()

	host, _ := os.Hostname()
	signaller, noSignals := topSignaller(s.fs, s.text)
	// The explain key reads what --record keeps, or else what another
	// vigia records in the same database.
	var explainer tui.Explainer
	if rec != nil {
		explainer = rec.st
	} else if path, err := historyPath(e, *db, m.configPath); err == nil {
		elsewhere := &recordedElsewhere{path: path}
		defer elsewhere.close()
		explainer = elsewhere
	}
	uiErr := tui.Run(ctx, tui.Options{
		Readings: sub.C,
		Health: func() reading.Health {
			h := eng.Health()
			h.Notifiers = notifiers.health()
			if rec != nil {
				sh := rec.storeHealth()
				h.Store = &sh
			}
			return h
		},
		Signaller:   signaller,
		NoSignals:   noSignals,
		Inspector:   topInspector{fs: s.fs},
		Explainer:   explainer,
		SetInterval: eng.SetInterval,
		Interval:    every,
		Config:      s.cfg.TUI,
		Hostname:    host,
		Text:        s.text,
		Logger:      s.logger,
	})
	cancel()
	runErr := <-done
	notifiers.wait()
	if err := rec.stop(); err != nil && runErr == nil {
		runErr = err
	}
	logs.flush(e.stderr)
	if uiErr != nil {
		return uiErr
	}
	return runErr
}

// topInspector reads the detail view's process from the watched machine's
// /proc.
type topInspector struct{ fs procfs.FS }

func (i topInspector) Detail(pid int32) (reading.ProcessDetail, error) {
	d, err := procfs.ProcessDetail(i.fs, pid)
	if errors.Is(err, procfs.ErrNoProcess) {
		return d, fmt.Errorf("%w: %w", syscall.ESRCH, err)
	}
	return d, err
}

// capWriter keeps up to max bytes of log output, dropping what comes after.
type capWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	dropped int
}

func (w *capWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len()+len(p) > w.max {
		w.dropped += len(p)
		return len(p), nil
	}
	return w.buf.Write(p)
}

func (w *capWriter) flush(out interface{ Write([]byte) (int, error) }) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out.Write(w.buf.Bytes())
	if w.dropped > 0 {
		fmt.Fprintf(out, "vigia: %d bytes of log output dropped while the dashboard was open\n", w.dropped)
	}
}
