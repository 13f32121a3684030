package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vigia-dev/vigia/internal/config"
)

// maxBackoff caps the wait between two attempts.
const maxBackoff = 30 * time.Second

// poster POSTs JSON with a timeout per attempt and bounded retries with
// exponential backoff. Network errors, 5xx, 408 and 429 are retried; other
// 4xx mean the request itself is wrong and are not.
type poster struct {
	client  *http.Client
	url     string
	shown   string // url without its query, which may hold a token
	headers []config.Header
	// red hides the headers' secrets in the receiver's answer before it
	// is cut short, so a secret cut in two cannot show its first half.
	red     *config.Redactor
	timeout time.Duration
	retries int
	backoff time.Duration
}

func newPoster(n config.Notifier, rawURL string, client *http.Client) *poster {
	return &poster{client: client, url: rawURL, shown: redact(rawURL), headers: n.Headers,
		red: config.NewRedactor([]config.Notifier{n}), timeout: n.Timeout, retries: n.Retries, backoff: n.Backoff}
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

func (p *poster) post(ctx context.Context, body []byte) error {
	wait := p.backoff
	for attempt := 1; ; attempt++ {
		err := p.once(ctx, body)
		if err == nil {
			return nil
		}
		var perm permanent
		if errors.As(err, &perm) || attempt > p.retries || ctx.Err() != nil {
			if attempt > 1 {
				return fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, maxBackoff)
	}
}

func (p *poster) once(ctx context.Context, body []byte) error {
	if p.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return permanent{fmt.Errorf("POST %s: %w", p.shown, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vigia")
	for _, h := range p.headers {
		v, err := h.Value.Resolve()
		if err != nil {
			return permanent{fmt.Errorf("header %s: %w", h.Name, err)}
		}
		req.Header.Set(h.Name, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return fmt.Errorf("POST %s: no answer within %s", p.shown, p.timeout)
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("POST %s: %w", p.shown, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	snippet := cut(p.red.String(string(answer)), 512)
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return permanent{fmt.Errorf("POST %s: %s to %s: redirects are not followed, so that headers reach only the configured host; configure the new address",
			p.shown, resp.Status, locationHost(resp))}
	}
	err = fmt.Errorf("POST %s: %s%s", p.shown, resp.Status, quoteBody(snippet))
	switch {
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
		return err
	}
	return permanent{err}
}

// locationHost names the host a redirect points to, without the path or
// query, which may carry a token.
func locationHost(resp *http.Response) string {
	u, err := resp.Location()
	if err != nil {
		return "no valid Location"
	}
	return strconv.Quote(u.Host)
}

// cut returns at most n bytes of s, ending at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func quoteBody[T string | []byte](body T) string {
	b := bytes.TrimSpace([]byte(body))
	if len(b) == 0 {
		return ""
	}
	return ": " + strconv.Quote(string(b))
}
