package main

import (
	"context"
	"errors"
	"flag"
	"net/url"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/remote"
	"github.com/vigia-dev/vigia/internal/server"
	"github.com/vigia-dev/vigia/internal/tui"
)

// remoteFlags are top's flags for --remote.
type remoteFlags struct {
	url, token, tokenFile, caFile string
}

func addRemoteFlags(fs *flag.FlagSet) *remoteFlags {
	f := &remoteFlags{}
	fs.StringVar(&f.url, "remote", "", "show the vigia agent at this `url` (http://host:8519) instead of this machine")
	fs.StringVar(&f.token, "token", "", "with --remote: the agent's bearer `token` (--token-file keeps it out of ps)")
	fs.StringVar(&f.tokenFile, "token-file", "", "with --remote: `file` holding the agent's bearer token (mode 600)")
	fs.StringVar(&f.caFile, "ca-file", "", "with --remote: PEM `file` of certificates to trust for an https agent")
	return f
}

func runTopRemote(ctx context.Context, e *env, m *machineFlags, f *remoteFlags) error {
	if f.token != "" && f.tokenFile != "" {
		return usagef("--token and --token-file exclude each other")
	}
	cfg, _, err := loadConfig(e, m.configPath)
	if err != nil {
		return err
	}
	words, err := language(e, cfg.Language, m.lang)
	if err != nil {
		return err
	}
	token := f.token
	if f.tokenFile != "" {
		if token, err = server.ReadToken(f.tokenFile); err != nil {
			return err
		}
	}
	c, err := remote.New(remote.Options{URL: f.url, Token: token, CAFile: f.caFile, Now: e.clock})
	if err != nil {
		return usagef("--remote: %v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readings := make(chan reading.Reading, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, readings)
	}()
	err = tui.Run(ctx, tui.Options{
		Readings:  readings,
		Inspector: c,
		NoSignals: words.RemoteNoSignals(),
		Interval:  topInterval,
		Config:    cfg.TUI,
		Text:      words,
		Remote:    func() tui.RemoteState { return remoteState(c.State(), c.URL(), token != "", e.clock()) },
	})
	cancel()
	<-done
	return err
}

// remoteState says the client's state in the dashboard's terms.
func remoteState(s remote.State, base string, haveToken bool, now time.Time) tui.RemoteState {
	rs := tui.RemoteState{Host: s.Host, URL: base, LastEvent: s.LastEvent, Stale: s.Stale(now), HaveToken: haveToken}
	if s.Err == nil {
		if !s.Connected && s.LastEvent.IsZero() {
			rs.Problem = tui.RemoteConnecting
		}
		return rs
	}
	rs.Retry = max(s.Retry.Sub(now), 0)
	rs.Detail = s.Err.Error()
	switch {
	case errors.Is(s.Err, remote.ErrUnauthorized):
		rs.Problem = tui.RemoteUnauthorized
	case errors.Is(s.Err, remote.ErrNotAgent):
		rs.Problem = tui.RemoteNotAgent
		rs.Detail = strings.TrimPrefix(rs.Detail, remote.ErrNotAgent.Error()+": ")
	default:
		rs.Problem = tui.RemoteUnreachable
		// The URL is in the header already: say what the network said.
		if ue := (*url.Error)(nil); errors.As(s.Err, &ue) {
			rs.Detail = ue.Err.Error()
		}
	}
	return rs
}
