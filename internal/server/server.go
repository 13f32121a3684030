// Package server is vigia's HTTP agent: a read-only JSON API over the live
// state, a Server-Sent Events stream of readings and alert transitions,
// health endpoints, /metrics (a handler main builds with package metrics)
// and the embedded web dashboard.
//
// The server reads state only through the small interfaces below, which
// internal/live, the engine and main satisfy; it never imports them.
package server

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// DefaultListen is where the agent listens unless told otherwise: loopback
// only, so a fresh install exposes nothing to the network.
const DefaultListen = "127.0.0.1:8519"

// ShutdownTimeout bounds a graceful shutdown: in-flight requests get this
// long to finish before their connections are closed.
const ShutdownTimeout = 4 * time.Second

// State is the live state the API reads. Implementations must be safe for
// concurrent use by many requests and must not block for long; returned
// slices are not modified by the server.
type State interface {
	// Snapshot returns the latest reading of each sensor.
	Snapshot() []reading.Reading
	// ActiveAlerts returns the last transition of every alert that has not
	// resolved.
	ActiveAlerts() []reading.Transition
	// RecentTransitions returns recent alert transitions, oldest first.
	RecentTransitions() []reading.Transition
}

// Point is one sample of a history series.
type Point struct {
	Time  time.Time `json:"t"`
	Value float64   `json:"v"`
}

// Series is the history of one labelled series of a metric.
type Series struct {
	Labels []reading.Label `json:"labels,omitempty"`
	Points []Point         `json:"points"`
}

// History answers range queries for /api/v1/history. The in-memory rings of
// internal/live answer recent ranges; the SQLite store can answer longer
// ones behind the same interface. It must be safe for concurrent use.
type History interface {
	// History returns every series of metric from sensor with points in
	// [from, to], oldest first. It returns ErrNotFound when the sensor or
	// metric is unknown.
	History(ctx context.Context, sensor, metric string, from, to time.Time) ([]Series, error)
}

// Inspector reads one process on demand for /api/v1/processes/{pid}. It
// returns an error wrapping os.ErrNotExist when there is no such process
// (gone, or the PID is a thread's), and one wrapping ErrMalformed when the
// process's kernel files cannot be parsed; its message says which file. It
// must be safe for concurrent use.
type Inspector interface {
	Inspect(ctx context.Context, pid int32) (reading.ProcessDetail, error)
}

// ErrNotFound is returned by a History that knows no such series.
var ErrNotFound = errors.New("not found")

// ErrMalformed is wrapped by an Inspector that read a process's kernel files
// but could not parse them: the data is bad, not the agent.
var ErrMalformed = errors.New("malformed kernel data")

// Options configures a Server. State, Health and Stream are required.
type Options struct {
	Listen string
	// Token is the bearer token every request must carry; empty means no
	// auth, which New allows only on loopback or with InsecureNoAuth, and
	// then only Host names of this agent are answered (hostCheck) and
	// owner-only process fields are withheld (detailAnswer).
	Token          string
	InsecureNoAuth bool
	// AllowedHosts are names besides localhost and IP addresses that
	// requests may carry as Host when there is no token (see hostCheck).
	AllowedHosts []string
	// OpenMetrics leaves /metrics and /healthz open without a token, for
	// scrapers and load balancers.
	OpenMetrics bool
	// TLSCert and TLSKey are PEM files; both or neither.
	TLSCert, TLSKey string

	State     State
	Health    func() reading.Health
	History   History   // optional: /api/v1/history answers 404 without it
	Inspector Inspector // optional: /api/v1/processes/{pid} answers 404 without it
	// Events answers /api/v1/events; without it the server answers from
	// the last events of its stream.
	Events    Events
	Explainer Explainer // optional: /api/v1/explain answers 404 without it
	// Stream feeds /api/v1/stream: an engine subscription's channel. The
	// server stops streaming when it closes.
	Stream <-chan reading.Reading
	// Metrics serves /metrics; nil answers 404.
	Metrics http.Handler
	// Fleet serves /fleet and /api/v1/fleet; nil answers 404.
	Fleet Fleet
	// Processes is told whenever an answer or a stream carries the
	// process walk's readings, which the agent takes less often while
	// nothing does (engine.Demand). Nil: they are always as fresh.
	Processes Wanted

	Version string
	// Hostname is the machine's name, in /api/v1/status for clients that
	// show whose data they draw (vigia top --remote).
	Hostname string
	// ClientBuffer is how many events each stream client may have queued
	// before it is dropped as too slow (default 64).
	ClientBuffer int
	// ClientBytes is how many bytes of events each stream client may have
	// queued before it is dropped as too slow (default DefaultClientBytes;
	// see client for the policy).
	ClientBytes int
	// MaxStreamClients bounds the connected stream clients; the next one
	// gets 503 with Retry-After (default DefaultMaxStreamClients).
	MaxStreamClients int
	// Heartbeat is the interval of the stream's keep-alive comments
	// (default 15s).
	Heartbeat time.Duration

	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	MaxHeaderBytes                                            int

	Logger *slog.Logger
}

// Server is the agent's HTTP server.
type Server struct {
	opts    Options
	log     *slog.Logger
	started time.Time
	hub     *hub
	handler http.Handler
	tls     *tls.Config
}

// New checks opts and builds a Server. It refuses a listen address off
// loopback without a token or InsecureNoAuth, and TLS files that do not
// load, so a misconfigured agent never starts.
func New(opts Options) (*Server, error) {
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if err := checkListen(opts.Listen, opts.Token != "", opts.InsecureNoAuth); err != nil {
		return nil, err
	}
	if opts.State == nil || opts.Health == nil || opts.Stream == nil {
		return nil, errors.New("server: State, Health and Stream are required")
	}
	if opts.ClientBuffer <= 0 {
		opts.ClientBuffer = 64
	}
	if opts.ClientBytes <= 0 {
		opts.ClientBytes = DefaultClientBytes
	}
	if opts.MaxStreamClients <= 0 {
		opts.MaxStreamClients = DefaultMaxStreamClients
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	setDefault(&opts.ReadHeaderTimeout, 5*time.Second)
	setDefault(&opts.ReadTimeout, 10*time.Second)
	setDefault(&opts.WriteTimeout, 30*time.Second)
	setDefault(&opts.IdleTimeout, 120*time.Second)
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = 16 << 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: opts.Logger, started: time.Now()}
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return nil, errors.New("server: --tls-cert and --tls-key go together")
	}
	if opts.TLSCert != "" {
		if err := checkPrivate("server: TLS key", opts.TLSKey); err != nil {
			return nil, err
		}
		cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("server: loading TLS certificate %s and key %s: %w", opts.TLSCert, opts.TLSKey, err)
		}
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s.hub = newHub(opts.Stream, opts.ClientBuffer, opts.MaxStreamClients, s.log)
	s.hub.withhold = opts.Token == ""
	s.handler = s.routes()
	return s, nil
}

func setDefault(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

// checkListen refuses to expose the agent off loopback without auth.
func checkListen(listen string, hasToken, insecure bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("server: listen address %q is not host:port (e.g. %s): %w", listen, DefaultListen, err)
	}
	if hasToken || insecure || isLoopback(host) {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return fmt.Errorf("server: refusing to listen on %s (%s is not loopback) without auth: "+
		"give --token-file with a bearer token, or --insecure-no-auth if the network is trusted", listen, shown)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// checkPrivate refuses a secret file (the token, the TLS key) that group
// or others can read: a secret others can read is no longer one.
func checkPrivate(what, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s %s is readable by group or others (mode %v): chmod 600 it", what, path, fi.Mode().Perm())
	}
	return nil
}

// ReadToken reads a bearer token from a file, trimming surrounding white
// space. It refuses an empty token and a file others can read.
func ReadToken(path string) (string, error) {
	if err := checkPrivate("token file", path); err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("token file %s is empty", path)
	}
	if len(tok) < 16 {
		return "", fmt.Errorf("token file %s: token is %d characters, want at least 16", path, len(tok))
	}
	return tok, nil
}

// Handler returns the server's handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Run listens on opts.Listen and serves until ctx is done, then shuts down
// gracefully (see Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done or the stream channel's hub fails.
// On ctx done it stops accepting, ends every event stream, lets in-flight
// requests finish for up to ShutdownTimeout, then closes what is left; it
// returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    s.opts.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnContext:       func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) },
	}
	if s.tls != nil {
		srv.TLSConfig = s.tls
		ln = tls.NewListener(ln, s.tls)
	}
	hubCtx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() {
		defer close(hubDone)
		s.hub.run(hubCtx)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "listen", ln.Addr().String(), "tls", s.tls != nil, "auth", s.opts.Token != "")

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	// Streams never end on their own: close them first so Shutdown only
	// waits for ordinary requests.
	stopHub()
	<-hubDone
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", serveErr)
	}
	return nil
}

// routes builds the mux. Every pattern is method-less so that a wrong
// method gets a JSON 405 with Allow, and unknown API paths a JSON 404.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.auth(getOnly(h))) }
	api("/api/v1/snapshot", s.snapshot)
	api("/api/v1/sensors", s.sensors)
	api("/api/v1/sensors/{name}", s.sensor)
	api("/api/v1/processes", s.processes)
	api("/api/v1/processes/exited", s.exited)
	api("/api/v1/processes/{pid}", s.process)
	api("/api/v1/cgroups", s.cgroups)
	api("/api/v1/alerts", s.alerts)
	api("/api/v1/status", s.status)
	api("/api/v1/history/{sensor}/{metric}", s.history)
	api("/api/v1/events", s.eventsAPI)
	api("/api/v1/explain", s.explainAPI)
	api("/api/v1/stream", s.stream)
	api("/api/v1/fleet", s.fleetAPI)
	mux.Handle("/api/", s.auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})))
	mux.Handle("/readyz", s.auth(getOnly(s.readyz)))
	open := func(h http.Handler) http.Handler {
		if s.opts.OpenMetrics {
			return h
		}
		return s.auth(h)
	}
	mux.Handle("/healthz", open(getOnly(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})))
	if s.opts.Metrics != nil {
		mux.Handle("/metrics", open(getOnly(s.opts.Metrics.ServeHTTP)))
	}
	// The page and its assets hold no data: they load without a token so
	// the page can ask for one.
	mux.Handle("/", getOnly(s.static()))
	mux.Handle("/api/v1/words", getOnly(s.words))
	return securityHeaders(s.hostCheck(mux))
}

// getOnly answers 405 with Allow for anything but GET and HEAD.
func getOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: this API is read-only")
			return
		}
		h(w, r)
	}
}

// auth checks the bearer token in constant time when one is configured.
func (s *Server) auth(h http.Handler) http.Handler {
	if s.opts.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigia"`)
			msg := "missing bearer token: send Authorization: Bearer <token>"
			if len(got) > 0 {
				msg = "wrong bearer token"
			}
			writeError(w, http.StatusUnauthorized, msg)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}
