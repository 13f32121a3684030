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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
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
}

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

// Query runs an instant query at time at.
func (c *Client) Query(ctx context.Context, query string, at time.Time) ([]Series, error) {
	v := url.Values{"query": {query}, "time": {formatTime(at)}, "timeout": {c.timeout.String()}}
	return c.ask(ctx, "/api/v1/query", v)
}

// QueryRange runs a range query from start to end, a sample each step.
func (c *Client) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Series, error) {
	v := url.Values{"query": {query}, "start": {formatTime(start)}, "end": {formatTime(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}, "timeout": {c.timeout.String()}}
	return c.ask(ctx, "/api/v1/query_range", v)
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

func (c *Client) ask(ctx context.Context, path string, v url.Values) ([]Series, error) {
	body, err := c.do(ctx, http.MethodPost, path, v)
	if err != nil {
		return nil, err
	}
	return decodeQuery(body)
}

// do sends one request and returns the body of a 2xx answer, and of the
// 400 and 422 Prometheus answers bad queries with (decodeQuery reads its
// error from it).
func (c *Client) do(ctx context.Context, method, path string, v url.Values) ([]byte, error) {
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
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
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

// answer is the query API's envelope. Result is decoded as a vector or
// matrix in the same pass as the envelope: at 1,000 hosts decoding is most
// of what a refresh costs the client, and a second pass over a raw result
// doubled it. A scalar, which the fleet never asks, takes a second pass.
type answer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string       `json:"resultType"`
		Result     []jsonSeries `json:"result"`
	} `json:"data"`
}

type jsonSeries struct {
	Metric map[string]string `json:"metric"`
	Value  *jsonSample       `json:"value"`
	Values []jsonSample      `json:"values"`
}

// decodeQuery reads a query API answer: a vector, a matrix or a scalar.
func decodeQuery(b []byte) ([]Series, error) {
	var a answer
	err := json.Unmarshal(b, &a)
	if _, ok := err.(*json.SyntaxError); ok {
		return nil, fmt.Errorf("not a query API answer: %w", err)
	}
	if a.Status != "success" {
		if err != nil {
			return nil, fmt.Errorf("not a query API answer: %w", err)
		}
		if a.Error == "" {
			return nil, fmt.Errorf("query failed with status %q", a.Status)
		}
		return nil, fmt.Errorf("query failed: %s: %s", a.ErrorType, a.Error)
	}
	switch a.Data.ResultType {
	case "scalar":
		var sc struct {
			Data struct {
				Result jsonSample `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &sc); err != nil {
			return nil, fmt.Errorf("scalar: %w", err)
		}
		return []Series{{Labels: map[string]string{}, Samples: []Sample{Sample(sc.Data.Result)}}}, nil
	case "vector", "matrix":
	default:
		return nil, fmt.Errorf("result type %q: want vector, matrix or scalar", a.Data.ResultType)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Data.ResultType, err)
	}
	out := make([]Series, 0, len(a.Data.Result))
	for _, j := range a.Data.Result {
		s := Series{Labels: j.Metric}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		if j.Value != nil {
			s.Samples = []Sample{Sample(*j.Value)}
		} else if len(j.Values) > 0 {
			s.Samples = make([]Sample, len(j.Values))
			for i, v := range j.Values {
				s.Samples[i] = Sample(v)
			}
		}
		if len(s.Samples) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// jsonSample reads [unix seconds, "value"]; values are strings so NaN and
// ±Inf survive JSON. It reads the pair itself rather than through []any,
// which cost two allocations a sample and most of a refresh's garbage.
type jsonSample Sample

func (s *jsonSample) UnmarshalJSON(b []byte) error {
	in := bytes.TrimSpace(b)
	if len(in) < 2 || in[0] != '[' || in[len(in)-1] != ']' {
		return fmt.Errorf("sample %s: not a [time, value] pair", firstLine(b))
	}
	tsb, vb, ok := bytes.Cut(in[1:len(in)-1], []byte(","))
	tsb, vb = bytes.TrimSpace(tsb), bytes.TrimSpace(vb)
	if !ok || bytes.IndexByte(vb, ',') >= 0 {
		return fmt.Errorf("sample %s: not a [time, value] pair", firstLine(b))
	}
	ts, err := strconv.ParseFloat(string(tsb), 64)
	if err != nil || len(tsb) == 0 || tsb[0] == '"' {
		return fmt.Errorf("sample time %s: not a number", tsb)
	}
	if len(vb) < 2 || vb[0] != '"' || vb[len(vb)-1] != '"' {
		return fmt.Errorf("sample value %s: not a string", vb)
	}
	v, err := strconv.ParseFloat(string(vb[1:len(vb)-1]), 64)
	if err != nil {
		return fmt.Errorf("sample value: %w", err)
	}
	sec := int64(ts)
	*s = jsonSample{T: time.Unix(sec, int64((ts-float64(sec))*1e9)).UTC(), V: v}
	return nil
}
