// Package remote follows a vigia agent over its HTTP API: the agent's event
// stream becomes a channel of readings, as an engine subscription would
// be, so `vigia top --remote` draws another machine with the dashboard
// that draws this one. It reconnects on its own with Last-Event-ID, and
// says how the connection stands in State.
package remote

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Errors State.Err wraps, checked with errors.Is.
var (
	// ErrUnauthorized: the agent answered 401, without a token or to a
	// wrong one.
	ErrUnauthorized = errors.New("the agent refused the request: wrong or missing token")
	// ErrNotAgent: something answered that is not a vigia agent.
	ErrNotAgent = errors.New("not a vigia agent")
)

// Backoff bounds between attempts to reach the agent.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// StaleAfter is how many of the agent's intervals may pass without an event
// before the view is stale.
const StaleAfter = 3

// Options configure a Client.
type Options struct {
	// URL is the agent's base address: http://host:8519 or https://….
	URL string
	// Token is the bearer token, empty for an agent without one.
	Token string
	// CAFile is a PEM bundle to trust besides the system's, for an agent
	// with its own certificate. The server name checked is URL's host.
	CAFile string
	Logger *slog.Logger
	// Now is the clock of State's times; nil means time.Now.
	Now func() time.Time
}

// State is how the connection stands.
type State struct {
	// Host is the agent's host name, once it has said it.
	Host    string
	Version string
	// Connected is true while the event stream is open.
	Connected bool
	// LastEvent is when the last event arrived; zero before the first.
	LastEvent time.Time
	// Interval is the agent's shortest sensor interval, 0 before the
	// status answered.
	Interval time.Duration
	// Err is why the last attempt failed, nil while connected; Retry is
	// when the next attempt is made.
	Err   error
	Retry time.Time
}

// Stale reports whether no event came for StaleAfter intervals by now.
func (s State) Stale(now time.Time) bool {
	if s.Interval <= 0 || s.LastEvent.IsZero() {
		return false
	}
	return now.Sub(s.LastEvent) > StaleAfter*s.Interval
}

// Client reads one agent. Run feeds readings; State, Detail and Host are
// safe for concurrent use.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	log   *slog.Logger
	now   func() time.Time

	mu     sync.Mutex
	state  State
	lastID string
}

// New checks opts and builds a Client. It does not connect.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url %q: want http://host:port or https://host:port", opts.URL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("url %q: give the token with --token-file, not in the url", u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // an agent is reached directly, as its token must not travel through a proxy
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca file %s holds no PEM certificate", opts.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Client{base: u, token: opts.Token, http: &http.Client{Transport: tr}, log: opts.Logger, now: opts.Now}, nil
}

// URL is the agent's base address, for messages.
func (c *Client) URL() string { return c.base.Redacted() }

// State returns how the connection stands now.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Client) setState(f func(*State)) {
	c.mu.Lock()
	f(&c.state)
	c.mu.Unlock()
}

// Run follows the agent until ctx is done, sending each reading to out; it
// never closes out. Each failed attempt is in State.Err, and the next one
// comes after a backoff that doubles from half a second to thirty.
func (c *Client) Run(ctx context.Context, out chan<- reading.Reading) {
	backoff := minBackoff
	for ctx.Err() == nil {
		got, err := c.attempt(ctx, out)
		if ctx.Err() != nil {
			return
		}
		if got {
			backoff = minBackoff
		}
		c.log.Debug("agent connection ended", "url", c.URL(), "err", err)
		retry := c.now().Add(backoff)
		c.setState(func(s *State) { s.Connected, s.Err, s.Retry = false, err, retry })
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// attempt asks the agent who it is, fills in the snapshot on a fresh
// start, then follows the stream until it ends. got says whether any event
// came, so the backoff starts over after a connection that worked.
func (c *Client) attempt(ctx context.Context, out chan<- reading.Reading) (got bool, err error) {
	st, err := c.status(ctx)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	c.state.Host, c.state.Version, c.state.Interval = st.Hostname, st.Version, st.interval()
	fresh := c.lastID == ""
	c.mu.Unlock()
	if fresh {
		var snap struct {
			Readings []reading.Reading `json:"readings"`
		}
		if err := c.getJSON(ctx, "/api/v1/snapshot?processes=true", &snap); err != nil {
			return false, err
		}
		for _, r := range snap.Readings {
			if !send(ctx, out, r) {
				return false, ctx.Err()
			}
		}
	}
	resp, err := c.get(ctx, "/api/v1/stream?processes=true", "text/event-stream")
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return false, fmt.Errorf("%w: /api/v1/stream answered %q, not an event stream", ErrNotAgent, ct)
	}
	c.setState(func(s *State) { s.Connected, s.Err = true, nil })
	// A stream that goes quiet for longer than the agent's keep-alive is
	// a dead connection (a cable pulled, a machine suspended): end it, so
	// the reconnect comes without waiting on TCP.
	watchdog := time.AfterFunc(idleLimit, func() { resp.Body.Close() })
	defer watchdog.Stop()
	err = readEvents(resp.Body, func(ev event) error {
		watchdog.Reset(idleLimit)
		got = true
		c.mu.Lock()
		if ev.id != "" {
			c.lastID = ev.id
		}
		c.state.LastEvent = c.now()
		c.mu.Unlock()
		if ev.name != "reading" {
			// Transitions come inside their reading too.
			return nil
		}
		var r reading.Reading
		if err := json.Unmarshal(ev.data, &r); err != nil {
			return fmt.Errorf("%w: event %s: %w", ErrNotAgent, ev.id, err)
		}
		// A replayed processes reading comes without its table; the next
		// live one has it. Shown, it would empty the table for a moment.
		if r.Sensor == reading.SensorProcesses && r.Err == "" && len(r.Processes) == 0 {
			return nil
		}
		if !send(ctx, out, r) {
			return ctx.Err()
		}
		return nil
	})
	if err == nil {
		err = errors.New("the agent ended the event stream")
	}
	return got, err
}

// idleLimit is how long a stream may be silent: the agent sends a comment
// every 15 s even when no sensor reads.
const idleLimit = 45 * time.Second

func send(ctx context.Context, out chan<- reading.Reading, r reading.Reading) bool {
	select {
	case out <- r:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusAnswer is the part of /api/v1/status the client uses.
type statusAnswer struct {
	Version  string `json:"version"`
	Hostname string `json:"hostname"`
	Sensors  []struct {
		IntervalSeconds float64 `json:"interval_seconds"`
	} `json:"sensors"`
}

func (a statusAnswer) interval() time.Duration {
	var d time.Duration
	for _, s := range a.Sensors {
		if v := time.Duration(s.IntervalSeconds * float64(time.Second)); v > 0 && (d == 0 || v < d) {
			d = v
		}
	}
	return d
}

func (c *Client) status(ctx context.Context) (statusAnswer, error) {
	var a statusAnswer
	if err := c.getJSON(ctx, "/api/v1/status", &a); err != nil {
		return a, err
	}
	if a.Version == "" {
		return a, fmt.Errorf("%w: /api/v1/status has no version", ErrNotAgent)
	}
	return a, nil
}

// get sends one GET with the token and Last-Event-ID, and turns an answer
// other than 200 into an error that says what it means.
func (c *Client) get(ctx context.Context, path, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if accept == "text/event-stream" {
		c.mu.Lock()
		if c.lastID != "" {
			req.Header.Set("Last-Event-ID", c.lastID)
		}
		c.mu.Unlock()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	msg := apiMessage(resp.Body)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, ErrUnauthorized
	case resp.StatusCode == http.StatusNotFound && path == "/api/v1/status":
		return nil, fmt.Errorf("%w: %s answered 404", ErrNotAgent, path)
	case msg == "":
		return nil, fmt.Errorf("%s: %s", path, resp.Status)
	}
	return nil, &StatusError{Code: resp.StatusCode, Msg: msg}
}

// StatusError is an answer of the agent's API other than 200, with the
// message its JSON error carried.
type StatusError struct {
	Code int
	Msg  string
}

func (e *StatusError) Error() string { return strconv.Itoa(e.Code) + ": " + e.Msg }

// apiMessage reads the API's JSON error, {"error": …}; empty for any other
// body.
func apiMessage(r io.Reader) string {
	var a struct {
		Error string `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(r, 64<<10)).Decode(&a) != nil {
		return ""
	}
	return a.Error
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	resp, err := c.get(ctx, path, "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("%w: %s answered %q", ErrNotAgent, path, ct)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxEventBytes)).Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotAgent, path, err)
	}
	return nil
}

// Detail reads one process's details from the agent, for the detail view.
// A process the agent no longer has is an error wrapping syscall.ESRCH.
func (c *Client) Detail(pid int32) (reading.ProcessDetail, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var d reading.ProcessDetail
	err := c.getJSON(ctx, "/api/v1/processes/"+strconv.Itoa(int(pid)), &d)
	if se := (*StatusError)(nil); errors.As(err, &se) && se.Code == http.StatusNotFound {
		return d, fmt.Errorf("%w: %s", syscall.ESRCH, se.Msg)
	}
	return d, err
}
