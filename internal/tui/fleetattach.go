package tui

import (
	"os/exec"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/text"
)

// fleetBackMsg says the dashboard a host was opened in has ended.
type fleetBackMsg struct{ err error }

// fleetHistoryKey opens and closes the detail pane: in the fleet view
// Enter (top's detail key) opens the host's own dashboard instead.
const fleetHistoryKey = "h"

func (m *FleetModel) historyBinding() key.Binding {
	return key.NewBinding(key.WithKeys(fleetHistoryKey), key.WithHelp(fleetHistoryKey, m.tx.FleetKeyHelp("history")))
}

// open gives the terminal to the selected host's own vigia dashboard
// until it ends, or says that the host runs no vigia agent to open.
func (m *FleetModel) open() tea.Cmd {
	h, ok := m.table.selected()
	if !ok {
		return nil
	}
	url := h.AgentURL("http")
	if url == "" || m.opts.Attach == nil {
		m.say(text.Printable(m.tx.FleetNoAgent(h.Instance, fleetHistoryKey)))
		return nil
	}
	return handOver(m.opts.Attach(url), func(err error) tea.Msg { return fleetBackMsg{err} })
}

// back is the fleet view again: what went wrong, if anything, and a fresh
// table, the last one being as old as the visit.
func (m *FleetModel) back(msg fleetBackMsg) tea.Cmd {
	if msg.err != nil {
		m.say(text.Printable(m.tx.FleetOpenFailed(msg.err)))
	}
	return m.refresh()
}

// attachCmd is FleetOptions.Attach's type.
type attachCmd = func(url string) *exec.Cmd
