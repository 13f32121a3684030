package tui

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/text"
)

// TestFleetEnterOpensTheAgent: Enter on a host that runs vigia runs Attach
// with its agent URL (its vigia_url label when it has one); on a host that
// runs only an exporter it says so and runs nothing; h still opens the
// history pane.
func TestFleetEnterOpensTheAgent(t *testing.T) {
	t.Parallel()
	m := newFleetModel(t, text.English, 160, 12)
	var asked []string
	m.opts.Attach = func(url string) *exec.Cmd { asked = append(asked, url); return exec.Command("true") }
	// Down first, then by host: web-1 (node_exporter, down), db-1 (vigia).
	if cmd := m.key(press("enter")); cmd != nil || len(asked) != 0 {
		t.Errorf("Enter on an exporter-only host ran %q", asked)
	}
	if frame := m.render(); !strings.Contains(frame, "web-1:9100 runs no vigia agent (only an exporter): h shows its history") {
		t.Errorf("Enter on an exporter-only host should say there is no agent:\n%s", frame)
	}
	m.press("down")
	if cmd := m.key(press("enter")); cmd == nil || strings.Join(asked, " ") != "http://db-1:8519" {
		t.Errorf("Enter on a vigia host: command %v, Attach asked %q; want http://db-1:8519", cmd != nil, asked)
	}
	m.table.hosts[m.table.rows[m.table.sel].i].Labels["vigia_url"] = "https://db-1.example:8519"
	m.key(press("enter"))
	if got := asked[len(asked)-1]; got != "https://db-1.example:8519" {
		t.Errorf("Enter on a host with a vigia_url label asked %q", got)
	}
	m.press("h")
	if !m.detail || m.hist == nil {
		t.Errorf("h should open the history pane")
	}
	if _, cmd := m.Update(fleetBackMsg{}); cmd == nil {
		t.Errorf("coming back from the agent should refresh the fleet")
	}
}
