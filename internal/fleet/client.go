// Package fleet reads a whole fleet of machines from a Prometheus query
// API (Prometheus, or a store that answers the same API) and, when given
// one, an Alertmanager: a few PromQL queries per refresh for every host at
// once, never one per host. A failed query is part of the answer, not an
// error that stops the caller: the view shows it and the next refresh
// recovers. It is a hand-written client over net/http, so the fleet view
// carries no Prometheus library.
package fleet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrUnauthorized is wrapped by answers of 401 or 403: a token is missing
// or wrong, and retrying will not help until it is fixed.
var ErrUnauthorized = errors.New("not authorised")

// Auth is how requests prove who sends them: a bearer token, or a user and
// password (basic auth); both empty sends none.
type Auth struct {
	Token          string
	User, Password string
}

// ClientOptions configure a Client.
type ClientOptions struct {
	// URL is the API's base, e.g. http://prometheus:9090 (the /api/v1 paths
	// are added).
	URL  string
	Auth Auth
	// CAFile, when set, is a PEM file of the CAs trusted for https.
	CAFile string
	// Timeout bounds each request, and is sent to Prometheus as the query
	// timeout; zero means 10 s.
	Timeout time.Duration
}

// Client asks one HTTP API. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	auth    Auth
	timeout time.Duration
	http    *http.Client
	// strings is shared by every answer, so that the labels of one
	// refresh are the strings of the last.
	strings interner
}

// bodies are the buffers answers are read into, kept from one refresh to
// the next: at 1,000 hosts a refresh reads megabytes, and growing a new
// buffer for each answer was a fifth of the client's garbage. Nothing
// decoded points into them.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxBody caps an answer: a fleet of thousands of hosts fits well below.
const maxBody = 64 << 20

// NewClient checks o and returns its Client.
func NewClient(o ClientOptions) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url %q: want http:// or https:// and a host", o.URL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// A refresh asks a dozen queries at once: keep a connection for each,
	// rather than the default two and a new connection for the rest every
	// refresh.
	tr.MaxIdleConnsPerHost = 32
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca file %s: no PEM certificate in it", o.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &Client{base: u, auth: o.Auth, timeout: o.Timeout, http: &http.Client{Transport: tr, Timeout: o.Timeout}}, nil
}

// URL is the API's base URL, for messages.
func (c *Client) URL() string { return c.base.String() }

// Series is one labelled series of an answer: one sample for an instant
// query, many for a range query.
// Labels may be shared with other series and answers of the same Client:
// read it, never write to it.
type Series struct {
	Labels  map[string]string
	Samples []Sample
}

// Sample is one value at one time.
type Sample struct {
	T time.Time
	V float64
}

// Last is the series' newest value.
func (s Series) Last() float64 { return s.Samples[len(s.Samples)-1].V }

// Query runs an instant query at time at. Each series keeps the labels
// named in keep, or all of them when keep is empty.
func (c *Client) Query(ctx context.Context, query string, at time.Time, keep ...string) ([]Series, error) {
	v := url.Values{"query": {query}, "time": {formatTime(at)}, "timeout": {c.timeout.String()}}
	return c.ask(ctx, "/api/v1/query", v, keep)
}

// QueryRange runs a range query from start to end, a sample each step,
// keeping the labels as Query does.
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration, keep ...string) ([]Series, error) {
	v := url.Values{"query": {query}, "start": {formatTime(start)}, "end": {formatTime(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}, "timeout": {c.timeout.String()}}
	return c.ask(ctx, "/api/v1/query_range", v, keep)
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

func (c *Client) ask(ctx context.Context, path string, v url.Values, keep []string) ([]Series, error) {
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	body, err := c.read(ctx, http.MethodPost, path, v, buf)
	if err != nil {
		return nil, err
	}
	if len(keep) == 0 {
		keep = nil
	}
	return decodeQuery(body, keep, &c.strings)
}

// do sends one request and returns the body of a 2xx answer, and of the
// 400 and 422 Prometheus answers bad queries with (decodeQuery reads its
// error from it).
func (c *Client) do(ctx context.Context, method, path string, v url.Values) ([]byte, error) {
	return c.read(ctx, method, path, v, new(bytes.Buffer))
}

// read is do reading into buf, which it empties first; the answer is
// buf's bytes.
func (c *Client) read(ctx context.Context, method, path string, v url.Values, buf *bytes.Buffer) ([]byte, error) {
	u := *c.base
	u.Path += path
	var body io.Reader
	if method == http.MethodGet {
		u.RawQuery = v.Encode()
	} else {
		body = strings.NewReader(v.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	switch {
	case c.auth.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.auth.Token)
	case c.auth.User != "":
		req.SetBasicAuth(c.auth.User, c.auth.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL is in the message already, with the reason.
		return nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxBody))
	b := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", u.Redacted(), err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%s: %s: %w", u.Redacted(), resp.Status, ErrUnauthorized)
	case resp.StatusCode/100 == 2, resp.StatusCode == http.StatusBadRequest, resp.StatusCode == http.StatusUnprocessableEntity:
		return b, nil
	}
	return nil, fmt.Errorf("%s: %s: %s", u.Redacted(), resp.Status, firstLine(b))
}

// firstLine is the start of an error body, short enough for a status line.
func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
