package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/remote"
	"github.com/vigia-dev/vigia/internal/tui"
)

func TestRemoteState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	const u = "http://db1:8519"
	refused := &url.Error{Op: "Get", URL: u + "/api/v1/status", Err: fmt.Errorf("dial tcp: %w", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		in   remote.State
		want tui.RemoteState
	}{
		{"before the first answer", remote.State{}, tui.RemoteState{URL: u, Problem: tui.RemoteConnecting, HaveToken: true}},
		{"live", remote.State{Host: "db1", Connected: true, LastEvent: now.Add(-time.Second), Interval: time.Second},
			tui.RemoteState{Host: "db1", URL: u, LastEvent: now.Add(-time.Second), HaveToken: true}},
		{"stale past three intervals", remote.State{Host: "db1", Connected: true, LastEvent: now.Add(-4 * time.Second), Interval: time.Second},
			tui.RemoteState{Host: "db1", URL: u, LastEvent: now.Add(-4 * time.Second), Stale: true, HaveToken: true}},
		{"refused, the url said once", remote.State{Host: "db1", Err: refused, Retry: now.Add(2 * time.Second)},
			tui.RemoteState{Host: "db1", URL: u, Problem: tui.RemoteUnreachable, Detail: "dial tcp: connection refused", Retry: 2 * time.Second, HaveToken: true}},
		{"401", remote.State{Err: remote.ErrUnauthorized, Retry: now.Add(time.Second)},
			tui.RemoteState{URL: u, Problem: tui.RemoteUnauthorized, Detail: remote.ErrUnauthorized.Error(), Retry: time.Second, HaveToken: true}},
		{"not an agent, not said twice", remote.State{Err: fmt.Errorf("%w: /api/v1/status answered 404", remote.ErrNotAgent), Retry: now},
			tui.RemoteState{URL: u, Problem: tui.RemoteNotAgent, Detail: "/api/v1/status answered 404", HaveToken: true}},
		{"other trouble", remote.State{Err: errors.New("the agent ended the event stream"), Retry: now.Add(-time.Second)},
			tui.RemoteState{URL: u, Problem: tui.RemoteUnreachable, Detail: "the agent ended the event stream", HaveToken: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, remoteState(tt.in, u, true, now)); diff != "" {
				t.Errorf("remoteState mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTopRemoteUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"top", "--token-file", "t"}, "--token, --token-file and --ca-file need --remote"},
		{[]string{"top", "--remote", "http://127.0.0.1:1", "--replay"}, "--remote excludes --replay and --record"},
		{[]string{"top", "--remote", "http://127.0.0.1:1", "--token", "a", "--token-file", "b"}, "--token and --token-file exclude each other"},
		{[]string{"top", "--remote", "127.0.0.1:8519"}, "want http://host:port or https://host:port"},
	}
	for _, tt := range tests {
		_, errOut, code := vigia(t, nil, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("vigia %v: exit %d, stderr %q, want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
