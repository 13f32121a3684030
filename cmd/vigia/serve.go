package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/live"
	"github.com/vigia-dev/vigia/internal/metrics"
	"github.com/vigia-dev/vigia/internal/node"
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
either it refuses to start. Without a token it answers only requests for
localhost, an IP address or an --allowed-host name, and keeps back what only
a process's owner may read (docs/api.md). Everything it serves is read-only. /metrics
uses node_exporter's names for the series both export, so dashboards and
alert rules written for node_exporter work unchanged (docs/api.md). The
agent runs Go's garbage collector at GOGC=25, a smaller heap for a little
more CPU, and Go code on one processor (at most one core of the host);
GOGC and GOMAXPROCS in the environment override them. Its timers may fire
up to 4 ms late (the kernel's timer slack, unless a wider one is set), so
that the kernel wakes it less often. Until something asks for the process
table (the dashboard, the processes API, an event stream, --top-processes,
a rule on processes), after its first three walks, and from a minute
after the last ask, the agent walks it every 10 s instead of 2 s; the
first request brings back 2 s and gets a fresh walk. A processes interval set by hand is kept as it is.

Examples:
  vigia serve                                        # http://127.0.0.1:8519/
  vigia serve --listen 0.0.0.0:8519 --token-file /etc/vigia/token
  vigia serve --listen :8519 --token-file t --open-metrics   # scrapers need no token
  vigia serve --tls-cert cert.pem --tls-key key.pem
  vigia serve --allowed-host vigia.lan               # without a token, answer that Host name too
  vigia serve --top-processes 10                     # vigia_process_* for the 10 busiest
  vigia serve --mount-exclude '^/(dev|proc|run|sys)($|/)'   # node_filesystem_* without /run
  vigia serve --db /var/lib/vigia/vigia.db           # where the history goes (--no-record: nowhere)
  vigia serve --no-collector timex --collector NAME  # node_exporter's collectors off or on (docs/metrics.md)
  vigia serve --textfile-dir /var/lib/vigia/textfile # merge its *.prom files into /metrics
  vigia serve --remote-write http://prometheus:9090/api/v1/write   # push too, from behind NAT
  vigia serve --fleet-prometheus http://prometheus:9090   # /fleet: every machine, each linking to its agent
  curl -s 127.0.0.1:8519/api/v1/processes?sort=mem\&limit=5 | jq .
`

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", serveHelp)
	m := addMachineFlags(fs, "all")
	listen := fs.String("listen", "", "`address` to listen on (default "+server.DefaultListen+")")
	tokenFile := fs.String("token-file", "", "`file` holding the bearer token every request must carry (mode 600)")
	insecure := fs.Bool("insecure-no-auth", false, "allow listening off loopback without a token")
	var allowedHosts []string
	fs.Func("allowed-host", "answer requests for `name` without a token too (repeatable; localhost and IP addresses always are)", func(v string) error {
		if msg := config.CheckHostName(v); msg != "" {
			return errors.New(msg)
		}
		allowedHosts = append(allowedHosts, v)
		return nil
	})
	openMetrics := fs.Bool("open-metrics", false, "serve /metrics and /healthz without the token, for scrapers")
	tlsCert := fs.String("tls-cert", "", "TLS certificate `file` (PEM); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "TLS key `file` (PEM); needs --tls-cert")
	fleetProm := fs.String("fleet-prometheus", "", "serve /fleet and /api/v1/fleet: every machine this Prometheus query API `URL` scrapes (docs/fleet.md)")
	fleetAM := fs.String("fleet-alertmanager", "", "with --fleet-prometheus: read firing alerts from this Alertmanager `URL`")
	noRecord := fs.Bool("no-record", false, "do not record readings in the history database")
	db := fs.String("db", "", "history database `file` (default $XDG_DATA_HOME/vigia/vigia.db, or /var/lib/vigia/vigia.db as a system service)")
	top := fs.Int("top-processes", 0, "export vigia_process_* series for the `N` busiest processes (0: off)")
	maxStream := fs.Int("max-stream-clients", 0, "at most `N` event-stream clients at once; the next gets 503 (default "+strconv.Itoa(server.DefaultMaxStreamClients)+")")
	var collectorsOn, collectorsOff []string
	fs.Func("collector", "also run node_exporter's collector `name`, off by default (repeatable; docs/metrics.md lists them)", func(v string) error {
		collectorsOn = append(collectorsOn, v)
		return nil
	})
	rwFlags := addRemoteWriteFlags(fs)
	fs.Func("no-collector", "do not run the collector `name`, on by default (repeatable)", func(v string) error {
		collectorsOff = append(collectorsOff, v)
		return nil
	})
	textfileDir := fs.String("textfile-dir", "", "merge the *.prom files of `dir` into /metrics, as node_exporter's textfile collector")
	excl := addExcludeFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	s, err := m.setupNotifying(e)
	if err != nil {
		return err
	}
	sc := s.cfg.Server // zero fields take the server's defaults
	sc.Listen = first(*listen, sc.Listen, server.DefaultListen)
	sc.TokenFile = first(*tokenFile, sc.TokenFile)
	sc.InsecureNoAuth = *insecure || sc.InsecureNoAuth
	sc.OpenMetrics = *openMetrics || sc.OpenMetrics
	sc.AllowedHosts = append(sc.AllowedHosts, allowedHosts...)
	sc.TLSCert = first(*tlsCert, sc.TLSCert)
	sc.TLSKey = first(*tlsKey, sc.TLSKey)
	if isSet(fs, "top-processes") {
		sc.TopProcesses = *top
	}
	if isSet(fs, "max-stream-clients") {
		sc.MaxStreamClients = *maxStream
	}
	if sc.MaxStreamClients < 0 || sc.MaxStreamClients > config.MaxServerStreamClients {
		return usagef("--max-stream-clients %d: from 1 to %d", sc.MaxStreamClients, config.MaxServerStreamClients)
	}
	if sc.TopProcesses < 0 || sc.TopProcesses > config.MaxServerTopProcesses {
		return usagef("--top-processes %d: want 0 to %d", sc.TopProcesses, config.MaxServerTopProcesses)
	}
	if msg := config.CheckListen(sc.Listen); msg != "" {
		return usagef("--listen: %s", msg)
	}
	sc.TextfileDir = first(*textfileDir, sc.TextfileDir)
	remoteWrites, err := rwFlags.entries(sc.RemoteWrite)
	if err != nil {
		return err
	}
	collectors, err := node.Select(sc.Collectors.With(collectorsOn, collectorsOff))
	if err != nil {
		return usagef("%v", err)
	}
	nodeEnv := node.Env{FS: s.fs, Rootfs: s.rootfs, Now: e.clock, Logger: s.logger.With("output", "metrics")}
	if err := excl.apply(fs, sc.CollectorOptions, &nodeEnv); err != nil {
		return err
	}
	var token string
	if sc.TokenFile != "" {
		if token, err = server.ReadToken(sc.TokenFile); err != nil {
			return usagef("--token-file: %v", err)
		}
	}

	tuneGC(e.getenv, agentGC)
	eng, err := s.newEngine()
	if err != nil {
		return err
	}
	lv := live.New(live.Options{})
	liveSub := eng.Subscribe("live", 256)
	streamSub := eng.Subscribe("server", 256)
	procDemand := s.processDemand(eng, sc.TopProcesses)
	defer procDemand.Stop()
	reload := &reloader{e: e, m: m, s: s, eng: eng, logger: s.logger, processes: procDemand, topProcesses: sc.TopProcesses}

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
	nodeSet, err := node.NewSet(nodeEnv, collectors, 0)
	if err != nil {
		return err
	}
	var srv *server.Server // built below, serving only after both exist
	b := build()
	var process func(reading.Emit)
	if self := node.Self(); self != nil {
		process = func(emit reading.Emit) { self.Update(emit) }
	}
	coll := metrics.New(metrics.Options{
		Node:     nodeSet.Collect,
		Process:  process,
		Textfile: slices.Contains(collectors, "textfile"), TextfileDir: sc.TextfileDir,
		Snapshot: lv.Latest, Health: health, Alerts: lv.Alerts, Rules: reload.ruleNames,
		TopProcesses: sc.TopProcesses, Logger: s.logger.With("output", "metrics"),
		Version: b.Version, Revision: b.Commit, Date: b.Date(),
		Stream: func() metrics.StreamClients {
			st := srv.StreamStats()
			return metrics.StreamClients{Connected: st.Clients, Refused: st.ClientsRefused}
		},
		AnalysisLatency: func() metrics.Histogram {
			h := eng.Health().AnalysisLatency
			b := make(map[float64]uint64, len(h.Buckets))
			for _, bk := range h.Buckets {
				b[bk.UpperBound] = bk.Count
			}
			return metrics.Histogram{Count: h.Count, Sum: h.SumSeconds, Buckets: b}
		},
	})
	rw, err := newRemoteWriting(remoteWrites, coll, s.logger, token)
	if err != nil {
		return err
	}
	fc := s.cfg.Fleet
	fc.Prometheus, fc.Alertmanager = cmp.Or(*fleetProm, fc.Prometheus), cmp.Or(*fleetAM, fc.Alertmanager)
	fl, err := fleetSource(fc)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	srv, err = server.New(server.Options{
		Fleet:     fl,
		Processes: wanted(procDemand),
		Listen:    sc.Listen, Token: token, InsecureNoAuth: sc.InsecureNoAuth, OpenMetrics: sc.OpenMetrics,
		AllowedHosts: sc.AllowedHosts,
		TLSCert:      sc.TLSCert, TLSKey: sc.TLSKey,
		State: liveState{lv}, Health: health, History: history, Events: recordedEvents{history}, Inspector: inspector{fs: s.fs, lv: lv}, Explainer: history,
		Stream: streamSub.C, Metrics: metrics.Handler(coll), Version: b.Version, Hostname: host,
		ReadHeaderTimeout: sc.Timeouts.ReadHeader, ReadTimeout: sc.Timeouts.Read,
		WriteTimeout: sc.Timeouts.Write, IdleTimeout: sc.Timeouts.Idle,
		MaxStreamClients: sc.MaxStreamClients,
		Logger:           s.logger.With("output", "server"),
	})
	if err != nil {
		return usagef("%v", err)
	}
	// Bind before anything is created or announced: a port already taken
	// ends here, with no database made and no "serving on" said, and the
	// address announced is the bound one (a :0 listen gets its port).
	ln, err := bind(sc.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	if sc.InsecureNoAuth && token == "" {
		fmt.Fprintln(e.stderr, "vigia: "+s.text.InsecureNoAuth(sc.Listen))
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
	notifiers = s.startNotify(ctx, eng, 2*time.Second, token)
	reload.notifiers = notifiers

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rw.start(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { lv.Consume(liveSub.C) })
	sd := newSDNotifier(e.getenv, os.Getpid())
	reload.sd = sd
	wg.Go(func() { reload.onHangup(ctx) })
	engErr := make(chan error, 1)
	wg.Go(func() { engErr <- eng.Run(ctx) })
	scheme := "http"
	if sc.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintln(e.stderr, s.text.Serving(b.Version, scheme+"://"+ln.Addr().String()+"/"))
	if err := sd.notify("READY=1"); err != nil {
		s.logger.Warn("not ready for the service manager", "error", err)
	}
	wg.Go(func() {
		if err := sd.watchdog(ctx, engineProgressing(eng.Health)); err != nil {
			s.logger.Warn("no watchdog for the service manager", "error", err)
		}
	})
	// The server ends on ctx (SIGINT, SIGTERM; see stopSignals) or when its
	// listener fails; either way the engine stops with it. SIGHUP reloads.
	srvErr := srv.Serve(ctx, ln)
	_ = sd.notify("STOPPING=1") // the manager stops us anyway; nothing to add
	cancel()
	wg.Wait()
	rw.wait() // each writer's last push, bounded by its flush timeout
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

// inspectError is a procfs error that also is one of the kinds the server
// tells apart, with the procfs message alone (it names the file).
type inspectError struct{ err, kind error }

func (e inspectError) Error() string   { return e.err.Error() }
func (e inspectError) Unwrap() []error { return []error{e.err, e.kind} }

// bind binds the agent's address. A taken port or a missing address is
// said in those words, with the address, not as the socket call's error.
func bind(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return nil, fmt.Errorf("cannot listen on %s: %w", addr, errno)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
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
	switch {
	case errors.Is(err, procfs.ErrNoProcess):
		return d, inspectError{err, os.ErrNotExist}
	case errors.Is(err, procfs.ErrStatFormat):
		return d, inspectError{err, server.ErrMalformed}
	case err != nil:
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
