package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/live"
	"github.com/vigia-dev/vigia/internal/metrics"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/server"
)

const serveHelp = `
vigia serve — run headless as an agent: JSON API, live event stream,
Prometheus /metrics and a web dashboard.

Usage:
  vigia serve [flags]

The agent listens on 127.0.0.1:8519 by default. Listening on any other
address needs a bearer token (--token-file) or --insecure-no-auth; without
either it refuses to start. Everything it serves is read-only. /metrics
uses node_exporter's names for the series both export, so dashboards and
alert rules written for node_exporter work unchanged (docs/api.md).

Examples:
  vigia serve                                        # http://127.0.0.1:8519/
  vigia serve --listen 0.0.0.0:8519 --token-file /etc/vigia/token
  vigia serve --listen :8519 --token-file t --open-metrics   # scrapers need no token
  vigia serve --tls-cert cert.pem --tls-key key.pem
  vigia serve --top-processes 10                     # vigia_process_* for the 10 busiest
  vigia serve --db /var/lib/vigia/vigia.db           # where the history goes (--no-record: nowhere)
  curl -s 127.0.0.1:8519/api/v1/processes?sort=mem\&limit=5 | jq .
`

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", serveHelp)
	m := addMachineFlags(fs, "all")
	listen := fs.String("listen", "", "`address` to listen on (default "+server.DefaultListen+")")
	tokenFile := fs.String("token-file", "", "`file` holding the bearer token every request must carry (mode 600)")
	insecure := fs.Bool("insecure-no-auth", false, "allow listening off loopback without a token")
	openMetrics := fs.Bool("open-metrics", false, "serve /metrics and /healthz without the token, for scrapers")
	tlsCert := fs.String("tls-cert", "", "TLS certificate `file` (PEM); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "TLS key `file` (PEM); needs --tls-cert")
	noRecord := fs.Bool("no-record", false, "do not record readings in the history database")
	db := fs.String("db", "", "history database `file` (default $XDG_DATA_HOME/vigia/vigia.db, or /var/lib/vigia/vigia.db as a system service)")
	top := fs.Int("top-processes", -1, "export vigia_process_* series for the `N` busiest processes (default 0: off)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	s, err := m.setup(e)
	if err != nil {
		return err
	}
	sc := s.cfg.Server.WithDefaults()
	sc.Listen = first(*listen, sc.Listen)
	sc.TokenFile = first(*tokenFile, sc.TokenFile)
	sc.InsecureNoAuth = *insecure || sc.InsecureNoAuth
	sc.OpenMetrics = *openMetrics || sc.OpenMetrics
	sc.TLSCert = first(*tlsCert, sc.TLSCert)
	sc.TLSKey = first(*tlsKey, sc.TLSKey)
	if *top >= 0 {
		sc.TopProcesses = *top
	}
	if sc.TopProcesses > config.MaxServerTopProcesses {
		return usagef("--top-processes %d: at most %d", sc.TopProcesses, config.MaxServerTopProcesses)
	}
	if msg := config.CheckListen(sc.Listen); msg != "" {
		return usagef("--listen: %s", msg)
	}
	var token string
	if sc.TokenFile != "" {
		if token, err = server.ReadToken(sc.TokenFile); err != nil {
			return usagef("--token-file: %v", err)
		}
	}

	eng, err := s.newEngine()
	if err != nil {
		return err
	}
	lv := live.New(live.Options{})
	liveSub := eng.Subscribe("live", 256)
	streamSub := eng.Subscribe("server", 256)
	var rules []string
	for _, r := range s.engineRules() {
		rules = append(rules, r.Name)
	}

	history := &recordedHistory{live: liveHistory{lv}}
	// The recorder and the notifiers start below, once the flags have all
	// been checked; their health joins the engine's for /metrics and the
	// status API.
	var rec *recording
	var notifiers *notifying
	health := func() reading.Health {
		h := eng.Health()
		if notifiers != nil {
			h.Notifiers = notifiers.health()
		}
		if rec != nil {
			sh := rec.storeHealth()
			h.Store = &sh
		}
		return h
	}
	coll := metrics.New(metrics.Options{
		Snapshot: lv.Latest, Health: health, Alerts: lv.Alerts, Rules: rules,
		TopProcesses: sc.TopProcesses, Version: version, Logger: s.logger,
		AnalysisLatency: func() metrics.Histogram {
			h := eng.Health().AnalysisLatency
			b := make(map[float64]uint64, len(h.Buckets))
			for _, bk := range h.Buckets {
				b[bk.UpperBound] = bk.Count
			}
			return metrics.Histogram{Count: h.Count, Sum: h.SumSeconds, Buckets: b}
		},
	})
	srv, err := server.New(server.Options{
		Listen: sc.Listen, Token: token, InsecureNoAuth: sc.InsecureNoAuth, OpenMetrics: sc.OpenMetrics,
		TLSCert: sc.TLSCert, TLSKey: sc.TLSKey,
		State: liveState{lv}, Health: health, History: history, Inspector: inspector{fs: s.fs, lv: lv},
		Stream: streamSub.C, Metrics: metrics.Handler(coll), Version: version,
		ReadHeaderTimeout: sc.Timeouts.ReadHeader, ReadTimeout: sc.Timeouts.Read,
		WriteTimeout: sc.Timeouts.Write, IdleTimeout: sc.Timeouts.Idle,
		Logger: s.logger.With("output", "server"),
	})
	if err != nil {
		return usagef("%v", err)
	}

	// The agent records by default: it is what answers "what happened at
	// 3 am?" (vigia history, vigia report, longer ranges on the dashboard).
	// A database named with --db must open; the default one may be out of
	// reach (no home, another vigia recording there): say so and serve on.
	if !*noRecord {
		rec, err = s.startRecording(ctx, e, eng, *db)
		switch {
		case err != nil && *db != "":
			return err
		case err != nil:
			fmt.Fprintln(e.stderr, "vigia: "+s.text.NotRecording(err))
		}
	}
	history.rec = rec
	notifiers = s.startNotify(ctx, eng, 2*time.Second)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { lv.Consume(liveSub.C) })
	engErr := make(chan error, 1)
	wg.Go(func() { engErr <- eng.Run(ctx) })
	scheme := "http"
	if sc.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintln(e.stderr, s.text.Serving(version, scheme+"://"+sc.Listen+"/"))
	// The server ends on ctx (SIGINT, SIGTERM, SIGHUP; see stopSignals) or when it cannot listen;
	// either way the engine stops with it.
	srvErr := srv.Run(ctx)
	cancel()
	wg.Wait()
	notifiers.wait()
	recErr := rec.stop()
	if srvErr != nil {
		return srvErr
	}
	if err := <-engErr; err != nil {
		return err
	}
	return recErr
}

// liveState adapts live.Live to server.State.
type liveState struct{ lv *live.Live }

func (l liveState) Snapshot() []reading.Reading        { return l.lv.Latest() }
func (l liveState) ActiveAlerts() []reading.Transition { return l.lv.Alerts() }

// RecentTransitions returns live's transitions oldest first.
func (l liveState) RecentTransitions() []reading.Transition {
	ts := l.lv.Transitions(0)
	slices.Reverse(ts)
	return ts
}

// liveHistory answers history queries from live's rings: every labelled
// series of the metric that the sensor's latest reading carries.
type liveHistory struct{ lv *live.Live }

func (l liveHistory) History(_ context.Context, sensor, metric string, from, to time.Time) ([]server.Series, error) {
	r, ok := l.lv.Reading(sensor)
	if !ok {
		return nil, server.ErrNotFound
	}
	var out []server.Series
	for _, m := range r.Metrics {
		if m.Name != metric {
			continue
		}
		s := server.Series{Labels: m.Labels, Points: []server.Point{}}
		for _, p := range l.lv.History(sensor, metric, m.Labels...) {
			if !p.Time.Before(from) && !p.Time.After(to) {
				s.Points = append(s.Points, server.Point{Time: p.Time, Value: p.Value})
			}
		}
		out = append(out, s)
	}
	if out == nil {
		return nil, server.ErrNotFound
	}
	return out, nil
}

// inspector reads one process's detail on demand and takes its CPU % from
// the latest table, which a single read cannot compute.
type inspector struct {
	fs procfs.FS
	lv *live.Live
}

func (in inspector) Inspect(_ context.Context, pid int32) (reading.ProcessDetail, error) {
	d, err := procfs.ProcessDetail(in.fs, pid)
	if errors.Is(err, procfs.ErrNoProcess) {
		return d, fmt.Errorf("%w: %w", os.ErrNotExist, err)
	}
	if err != nil {
		return d, err
	}
	if r, ok := in.lv.Reading(reading.SensorProcesses); ok {
		for _, p := range r.Processes {
			if p.PID == pid {
				d.CPUPercent = p.CPUPercent
				break
			}
		}
	}
	return d, nil
}
