package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/text"
)

// TestRemoteHeader: the header of top --remote names the agent's host,
// marks the view REMOTE, and says what is wrong with the connection, in
// both languages (one golden file, a header per state).
func TestRemoteHeader(t *testing.T) {
	t.Parallel()
	last := base.Add(-5 * time.Second)
	states := []struct {
		name string
		rs   RemoteState
	}{
		{"live", RemoteState{Host: "far-away", URL: "http://10.0.0.7:8519", LastEvent: base}},
		{"connecting", RemoteState{URL: "http://10.0.0.7:8519", Problem: RemoteConnecting}},
		{"stale", RemoteState{Host: "far-away", LastEvent: last, Stale: true}},
		{"unreachable", RemoteState{Host: "far-away", LastEvent: last, Problem: RemoteUnreachable,
			Detail: "dial tcp 10.0.0.7:8519: connect: connection refused", Retry: 4 * time.Second}},
		{"no token", RemoteState{URL: "http://10.0.0.7:8519", Problem: RemoteUnauthorized, Retry: time.Second}},
		{"wrong token", RemoteState{URL: "http://10.0.0.7:8519", Problem: RemoteUnauthorized, HaveToken: true, Retry: 2 * time.Second}},
		{"not an agent", RemoteState{URL: "http://10.0.0.7:8519", Problem: RemoteNotAgent,
			Detail: `/api/v1/status answered "text/html"`, Retry: 8 * time.Second}},
	}
	var b strings.Builder
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		for _, st := range states {
			m := newModel(Options{Text: text.For(lang), Remote: func() RemoteState { return st.rs }}, machine(true), 160, 24)
			b.WriteString(st.name + ":\n" + m.header() + "\n")
		}
	}
	checkGolden(t, "remote_header", b.String())
}

// TestRemoteFrame: a whole remote frame fits its terminal, shows the
// agent's name and not this machine's, and the signal key says why it is
// off.
func TestRemoteFrame(t *testing.T) {
	t.Parallel()
	rs := RemoteState{Host: "far-away", LastEvent: base}
	m := newModel(Options{Remote: func() RemoteState { return rs }, NoSignals: "signals are off: remote"}, machine(true), 100, 30)
	f := m.render()
	checkFrame(t, f, 100, 30)
	head := f[:strings.IndexByte(f, '\n')]
	if !strings.Contains(head, "far-away") || !strings.Contains(head, "REMOTE") || strings.Contains(head, "db-7") {
		t.Errorf("header = %q, want the agent's host and REMOTE, not the local host", head)
	}
	keys(m, "k")
	if !strings.Contains(m.render(), "signals are off: remote") {
		t.Error("k did not say why signals are off")
	}
}

// TestRemoteTickRedraws: with no reading coming, the each-second tick
// asks again, so a view going stale says so.
func TestRemoteTickRedraws(t *testing.T) {
	t.Parallel()
	rs := RemoteState{Host: "far-away", LastEvent: base}
	m := newModel(Options{Remote: func() RemoteState { return rs }}, machine(true), 120, 24)
	if strings.Contains(m.header(), "stale") {
		t.Fatal("stale before it is")
	}
	rs.Stale = true
	if _, cmd := m.Update(remoteTickMsg{}); cmd == nil {
		t.Error("the tick was not re-armed")
	}
	if !strings.Contains(m.header(), "stale: nothing since 12:00:00") {
		t.Errorf("header after the tick = %q", m.header())
	}
}
