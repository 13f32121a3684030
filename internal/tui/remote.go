package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// RemoteProblem is why a remote agent is not being followed now.
type RemoteProblem uint8

const (
	RemoteOK RemoteProblem = iota
	// RemoteConnecting: no answer yet, and no failure either.
	RemoteConnecting
	RemoteUnreachable
	RemoteUnauthorized
	RemoteNotAgent
)

// RemoteState is how the connection to a remote agent stands, for the
// header of `vigia top --remote`.
type RemoteState struct {
	// Host is the agent's host name; URL stands in before it said it.
	Host, URL string
	// Stale is true when no event came for a few of the agent's
	// intervals; LastEvent is when the last one came.
	Stale     bool
	LastEvent time.Time
	Problem   RemoteProblem
	// Detail says what failed, in the words of the network; Retry is how
	// long until the next attempt.
	Detail string
	Retry  time.Duration
	// HaveToken tells a missing token from a wrong one.
	HaveToken bool
}

// remoteTickMsg asks for the remote state again: staleness grows while no
// reading comes, so nothing else would redraw the header.
type remoteTickMsg struct{}

const remoteTick = time.Second

func (m *Model) remoteTick() tea.Cmd {
	if m.opts.Remote == nil {
		return nil
	}
	return tea.Tick(remoteTick, func(time.Time) tea.Msg { return remoteTickMsg{} })
}

func (m *Model) pollRemote() tea.Cmd {
	m.remote = m.opts.Remote()
	return m.remoteTick()
}

// remoteHeader adds the remote marker and the connection's trouble to the
// header's row, where local mode shows the refresh interval.
func (m *Model) remoteHeader(ln *row) {
	t, rs := m.th, m.remote
	ln.add(t.accent, "  "+m.tx.Remote())
	retry := interval(rs.Retry.Round(time.Second))
	switch rs.Problem {
	case RemoteConnecting:
		ln.add(t.dim, "  "+m.tx.RemoteConnecting())
	case RemoteUnreachable:
		ln.add(t.status[reading.Critical], "  "+m.tx.RemoteUnreachable(text.Printable(rs.Detail), retry))
	case RemoteUnauthorized:
		ln.add(t.status[reading.Critical], "  "+m.tx.RemoteUnauthorized(rs.HaveToken, retry))
	case RemoteNotAgent:
		ln.add(t.status[reading.Critical], "  "+m.tx.RemoteNotAgent(text.Printable(rs.Detail), retry))
	default:
		if rs.Stale {
			ln.add(t.status[reading.Warning], "  "+m.tx.RemoteStale(clock(rs.LastEvent)))
		}
	}
}

// remoteHost is the name the header shows: the agent's, else its URL.
func (m *Model) remoteHost() string {
	if m.remote.Host != "" {
		return m.remote.Host
	}
	return m.remote.URL
}
