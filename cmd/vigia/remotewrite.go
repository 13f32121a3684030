package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/metrics"
)

// remoteWriteFlags are serve's --remote-write URL (repeatable) and
// --remote-write-interval, which add receivers to the config's.
type remoteWriteFlags struct {
	fs       *flag.FlagSet
	urls     []string
	interval string
}

func addRemoteWriteFlags(fs *flag.FlagSet) *remoteWriteFlags {
	f := &remoteWriteFlags{fs: fs}
	fs.Func("remote-write", "also push the /metrics series to the Prometheus remote-write `URL` (repeatable; docs/remote-write.md)", func(v string) error {
		if msg := config.CheckRemoteWriteURL(v); msg != "" {
			return errors.New(msg)
		}
		f.urls = append(f.urls, v)
		return nil
	})
	fs.StringVar(&f.interval, "remote-write-interval", "", "push every `duration` to the --remote-write URLs (default "+metrics.DefaultRemoteWriteInterval.String()+")")
	return f
}

// entries returns the config's receivers with the flags' added.
func (f *remoteWriteFlags) entries(cfg []config.RemoteWrite) ([]config.RemoteWrite, error) {
	out := append([]config.RemoteWrite(nil), cfg...)
	var interval time.Duration // 0: the default
	if isSet(f.fs, "remote-write-interval") {
		var err error
		if interval, err = durationFlag("remote-write-interval", f.interval, config.LimitsRemoteWrite); err != nil {
			return nil, err
		}
	}
	for _, u := range f.urls {
		out = append(out, config.RemoteWrite{URL: u, Interval: interval})
	}
	return out, nil
}

// remoteWriting is serve's writers, one per receiver.
type remoteWriting struct {
	writers []*metrics.RemoteWriter
	wg      sync.WaitGroup
}

// newRemoteWriting makes one writer per receiver over coll's series. Every
// credential is read once here, so a missing file stops the agent before
// it starts rather than failing every push; then again at each push, for
// rotation.
func newRemoteWriting(entries []config.RemoteWrite, coll *metrics.Collector, logger *slog.Logger, token string) (*remoteWriting, error) {
	host, _ := os.Hostname()
	r := &remoteWriting{}
	for _, rw := range entries {
		if _, err := rw.Authorization(); err != nil {
			return nil, usagef("remote write to %s: %v", metrics.SafeURL(rw.URL), err)
		}
		client, err := remoteWriteClient(rw)
		if err != nil {
			return nil, usagef("remote write to %s: %v", metrics.SafeURL(rw.URL), err)
		}
		labels := map[string]string{"job": "vigia", "instance": host}
		for k, v := range rw.Labels {
			labels[k] = v
		}
		redact := config.NewRedactor(nil, token).With(rw.Secrets()...)
		w, err := metrics.NewRemoteWriter(coll, metrics.RemoteWriteOptions{
			URL: rw.URL, Interval: rw.Interval, Timeout: rw.Timeout, MaxPendingSamples: rw.MaxPendingSamples,
			Labels: labels, Authorization: authorization(rw), Client: client,
			Redact: redact.String, Logger: logger.With("output", "remote_write"),
		})
		if err != nil {
			return nil, usagef("%v", err)
		}
		r.writers = append(r.writers, w)
	}
	return r, nil
}

// start pushes until ctx ends.
func (r *remoteWriting) start(ctx context.Context) {
	for _, w := range r.writers {
		r.wg.Go(func() { w.Run(ctx) })
	}
}

// wait returns once every writer has made its last push.
func (r *remoteWriting) wait() { r.wg.Wait() }

// authorization is the header's value of rw, or nil without credentials.
func authorization(rw config.RemoteWrite) func() (string, error) {
	if rw.BearerTokenFile == "" && rw.BasicAuth == nil {
		return nil
	}
	return rw.Authorization
}

// remoteWriteClient trusts rw's CA besides the system's, when it names one.
func remoteWriteClient(rw config.RemoteWrite) (*http.Client, error) {
	timeout := rw.Timeout
	if timeout == 0 {
		timeout = metrics.DefaultRemoteWriteTimeout
	}
	if rw.TLSCA == "" {
		return &http.Client{Timeout: timeout}, nil
	}
	pem, err := os.ReadFile(rw.TLSCA)
	if err != nil {
		return nil, fmt.Errorf("tls_ca: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls_ca: no PEM certificate in %s", rw.TLSCA)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Timeout: timeout, Transport: t}, nil
}
