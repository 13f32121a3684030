package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

// fakeFleetAPI is a query API whose fleet is one vigia agent at agent and
// one host that runs only an exporter; every other query is empty.
func fakeFleetAPI(t *testing.T, agent string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		var res string
		switch r.Form.Get("query") {
		case "up":
			res = fmt.Sprintf(`{"metric":{"__name__":"up","instance":%q,"job":"vigia"},"value":[1772366400,"1"]},`+
				`{"metric":{"__name__":"up","instance":"exporter-only:9100","job":"node"},"value":[1772366400,"1"]}`, agent)
		case "vigia_build_info", "max by (instance, version) (vigia_build_info)":
			res = fmt.Sprintf(`{"metric":{"instance":%q,"version":"9.9.9"},"value":[1772366400,"1"]}`, agent)
		}
		typ := "vector"
		if strings.HasSuffix(r.URL.Path, "query_range") {
			typ, res = "matrix", ""
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":%q,"result":[%s]}}`, typ, res)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFleetEnterOpensTheAgentInTmux: Enter on a vigia host of vigia fleet
// opens that agent's dashboard (its processes, under REMOTE, through the
// agent's token), q there comes back to the fleet, and Enter on a host
// that runs only an exporter says it has no agent.
func TestFleetEnterOpensTheAgentInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	tf := writeToken(t, "fleet-attach-token-0123456789")
	addr := freeAddr(t)
	startRemoteAgent(t, addr, tf)
	prom := fakeFleetAPI(t, addr)

	p := newPane(t, "vigia-fleet-attach", 160, 30)
	p.keys(vigiaBin+" fleet --prometheus "+prom+" --agent-token-file "+tf+" --refresh 1s", "Enter")
	p.waitFor("both hosts", func(s string) bool {
		return strings.Contains(s, addr) && strings.Contains(s, "exporter-only:9100") && strings.Contains(s, "2 hosts")
	})
	// By state, then by host: the agent (127.0.0.1:…) is first, and selected.
	p.keys("Enter")
	s := p.waitFor("the agent's processes", func(s string) bool {
		return strings.Contains(s, "REMOTE") && strings.Contains(s, "[nostatus]") && strings.Contains(s, "[defunct]")
	})
	if strings.Contains(s, "tmux") {
		t.Errorf("this machine's processes are on the agent's view:\n%s", s)
	}
	p.keys("q")
	p.waitFor("the fleet again", func(s string) bool {
		return strings.Contains(s, "vigia fleet") && strings.Contains(s, "exporter-only:9100") && !strings.Contains(s, "REMOTE")
	})
	p.keys("Down")
	p.keys("Enter")
	p.waitFor("no agent on the exporter's host", contains("exporter-only:9100 runs no vigia agent"))
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool {
		return !strings.Contains(s, "exporter-only") && strings.HasSuffix(strings.TrimRight(s, "\n "), "$")
	})
}
