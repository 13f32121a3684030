package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
)

// fleetLab is a real fleet on loopback: vigia agents (the built binary),
// the real node_exporter, and a real Prometheus scraping them every second
// with one alerting rule that fires on the first agent.
type fleetLab struct {
	prom   string   // Prometheus' base URL
	am     string   // Alertmanager's base URL; empty when it is not installed
	agents []string // the agents' host:port, as Prometheus' instance label
	ne     string   // node_exporter's host:port
	procs  []*exec.Cmd
}

// fleetScrape is the lab's scrape interval.
const fleetScrape = time.Second

func startFleetLab(t *testing.T, agents int) *fleetLab {
	t.Helper()
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	neBin, err := exec.LookPath("prometheus-node-exporter")
	if err != nil {
		t.Skip("node_exporter not installed (Debian package prometheus-node-exporter)")
	}
	lab := &fleetLab{}
	for range agents {
		addr := freeAddr(t)
		lab.procs = append(lab.procs, startProcess(t, vigiaBin, "serve", "--listen", addr, "--no-record", "--interval", "500ms"))
		lab.agents = append(lab.agents, addr)
	}
	lab.ne = freeAddr(t)
	startProcess(t, neBin, "--web.listen-address="+lab.ne, "--collector.disable-defaults",
		"--collector.cpu", "--collector.meminfo", "--collector.loadavg", "--collector.filesystem", "--collector.netdev")
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yml")
	// A threshold no machine stays under: load is never negative.
	if err := os.WriteFile(rules, []byte(fmt.Sprintf(`groups:
  - name: lab
    interval: 1s
    rules:
      - alert: LabLoad
        expr: node_load1{instance=%q} >= 0
        labels: {severity: warning}
`, lab.agents[0])), 0o600); err != nil {
		t.Fatal(err)
	}
	alerting := ""
	if amBin, err := exec.LookPath("prometheus-alertmanager"); err == nil {
		amCfg := filepath.Join(dir, "alertmanager.yml")
		if err := os.WriteFile(amCfg, []byte("route: {receiver: none}\nreceivers: [{name: none}]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		amAddr := freeAddr(t)
		startProcess(t, amBin, "--config.file="+amCfg, "--storage.path="+filepath.Join(dir, "am"),
			"--web.listen-address="+amAddr, "--cluster.listen-address=", "--log.level=warn")
		lab.am = "http://" + amAddr
		alerting = fmt.Sprintf("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['%s']\n", amAddr)
	}
	var targets []string
	for _, a := range lab.agents {
		targets = append(targets, "'"+a+"'")
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [%q]
%sscrape_configs:
  - job_name: vigia
    static_configs:
      - targets: [%s]
        labels: {env: lab}
  - job_name: node
    static_configs:
      - targets: ['%s']
`, rules, alerting, strings.Join(targets, ", "), lab.ne)), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	startProcess(t, promBin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	lab.prom = "http://" + promAddr
	waitUntil(t, 30*time.Second, "Prometheus to answer", func() bool {
		resp, err := http.Get(lab.prom + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return lab
}

func (lab *fleetLab) fleet(t *testing.T) *fleet.Fleet {
	t.Helper()
	c, err := fleet.NewClient(fleet.ClientOptions{URL: lab.prom, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return fleet.New(fleet.Options{Prometheus: c, RateWindow: 5 * time.Second, FillWindow: time.Minute, Step: time.Second, Spark: time.Minute, SparkPoints: 30})
}

// host finds instance in snap.
func host(snap fleet.Snapshot, instance string) (fleet.Host, bool) {
	i := slices.IndexFunc(snap.Hosts, func(h fleet.Host) bool { return h.Instance == instance })
	if i < 0 {
		return fleet.Host{}, false
	}
	return snap.Hosts[i], true
}

// TestFleetAgainstPrometheus reads a real fleet through a real Prometheus:
// every host with its columns, vigia's version on the agents and not on
// node_exporter, the lab's alert on the first agent's row, and a killed
// agent down within two scrape intervals.
func TestFleetAgainstPrometheus(t *testing.T) {
	t.Parallel()
	began := time.Now()
	lab := startFleetLab(t, 3)
	f := lab.fleet(t)
	var snap fleet.Snapshot
	complete := func() bool {
		snap = f.Refresh(context.Background(), time.Now())
		if snap.Err != nil || len(snap.Hosts) != 4 || len(snap.Problems) > 0 {
			return false
		}
		for _, h := range snap.Hosts {
			// The sparkline asks each grid point once (every 2 s here): it
			// starts at the first one after Prometheus has a rate.
			if !h.Up || h.CPU != h.CPU || h.Mem != h.Mem || h.Cores == 0 || h.FS == "" || h.Rx != h.Rx || len(h.CPUHistory) == 0 {
				return false
			}
		}
		a, _ := host(snap, lab.agents[0])
		return len(a.Alerts) > 0
	}
	for deadline := time.Now().Add(45 * time.Second); !complete(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 45s waiting for every host with every column and the alert; the last refresh: error %v, problems %v, hosts %+v",
				snap.Err, snap.Problems, snap.Hosts)
		}
	}
	t.Logf("refresh of %d hosts took %v; every column after %v", len(snap.Hosts), snap.Took, time.Since(began))
	for _, h := range snap.Hosts {
		wantVersion := version
		if h.Instance == lab.ne {
			wantVersion = ""
		}
		if h.Version != wantVersion {
			t.Errorf("%s: version %q, want %q", h.Instance, h.Version, wantVersion)
		}
		if h.CPU < 0 || h.CPU > 100 || h.Mem <= 0 || h.Mem > 100 || h.FSUsed < 0 || h.FSUsed > 100 || h.LoadPerCore() < 0 {
			t.Errorf("%s: values out of range: %+v", h.Instance, h)
		}
		if n := nproc(t); h.Cores != n {
			t.Errorf("%s: %d cores, want %d", h.Instance, h.Cores, n)
		}
		// The lab is younger than the lookback: each host's start is known.
		if !h.Young && (h.Since.IsZero() || h.Since.After(time.Now())) {
			t.Errorf("%s: up since %v, want a time since the lab started", h.Instance, h.Since)
		}
		if len(h.CPUHistory) != 30 {
			t.Errorf("%s: sparkline of %d points, want 30", h.Instance, len(h.CPUHistory))
		}
	}
	for _, inst := range lab.agents[1:] {
		if h, _ := host(snap, inst); len(h.Alerts) != 0 {
			t.Errorf("%s: alerts %v, want none (the rule names the first agent)", inst, h.Alerts)
		}
	}
	if a, _ := host(snap, lab.agents[0]); a.Alerts[0].Name != "LabLoad" || a.Alerts[0].Severity != "warning" {
		t.Errorf("first agent's alerts = %+v, want LabLoad warning", a.Alerts)
	}
	if a, _ := host(snap, lab.agents[0]); a.Labels["env"] != "lab" || a.Labels["job"] != "vigia" {
		t.Errorf("first agent's labels = %v, want job vigia and env lab", a.Labels)
	}

	// The same alert through Alertmanager's API v2.
	if lab.am != "" {
		pc, _ := fleet.NewClient(fleet.ClientOptions{URL: lab.prom})
		ac, err := fleet.NewClient(fleet.ClientOptions{URL: lab.am})
		if err != nil {
			t.Fatal(err)
		}
		fa := fleet.New(fleet.Options{Prometheus: pc, Alertmanager: ac, RateWindow: 5 * time.Second})
		waitUntil(t, 20*time.Second, "the alert from Alertmanager on the first agent", func() bool {
			s := fa.Refresh(context.Background(), time.Now())
			a, _ := host(s, lab.agents[0])
			b, _ := host(s, lab.agents[1])
			return s.Err == nil && len(s.Problems) == 0 && len(a.Alerts) == 1 && a.Alerts[0].Name == "LabLoad" && len(b.Alerts) == 0
		})
	}

	t.Logf("alertmanager checked after %v", time.Since(began))
	h := f.History(context.Background(), lab.agents[1], time.Now(), time.Minute, 30)
	if h.Err != nil || len(h.CPU) == 0 || len(h.Mem) == 0 || len(h.Load) == 0 || len(h.Rx) == 0 {
		t.Errorf("history of %s: err %v, %d CPU, %d memory, %d load, %d rx samples", lab.agents[1], h.Err, len(h.CPU), len(h.Mem), len(h.Load), len(h.Rx))
	}

	// The same table on an agent's web page: /api/v1/fleet, and /fleet as
	// a browser draws it.
	base, _ := startServe(t, "--no-record", "--sensors", "cpu", "--fleet-prometheus", lab.prom)
	t.Logf("serve with /fleet up after %v", time.Since(began))
	var page struct {
		Hosts []struct {
			Instance  string `json:"instance"`
			Up        bool   `json:"up"`
			Dashboard string `json:"dashboard"`
			Alerts    []struct {
				Name string `json:"name"`
			} `json:"alerts"`
		} `json:"hosts"`
	}
	code, body := fetch(t, base+"/api/v1/fleet")
	if err := json.Unmarshal(body, &page); code != 200 || err != nil || len(page.Hosts) != 4 {
		t.Errorf("GET /api/v1/fleet = %d, %v, %d hosts; want 4:\n%s", code, err, len(page.Hosts), body)
	}
	for _, h := range page.Hosts {
		want := "http://" + h.Instance + "/"
		if h.Instance == lab.ne {
			want = ""
		}
		if h.Dashboard != want {
			t.Errorf("%s links to %q, want %q", h.Instance, h.Dashboard, want)
		}
	}
	// A browser takes seconds to start on a busy machine: it draws /fleet
	// while the terminal view is checked.
	type dumped struct {
		dom []byte
		err error
	}
	var browser chan dumped
	if chromium, err := exec.LookPath("chromium"); err == nil {
		browser = make(chan dumped, 1)
		args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + t.TempDir(), "--virtual-time-budget=1500"}
		go func() {
			dom, err := exec.Command(chromium, append(args, "--dump-dom", base+"/fleet")...).Output()
			if out := os.Getenv("VIGIA_FLEET_PAGE"); out != "" {
				exec.Command(chromium, append(args, "--hide-scrollbars", "--window-size=1400,360", "--screenshot="+out, base+"/fleet")...).Run()
			}
			browser <- dumped{dom, err}
		}()
	}
	checkBrowser := func() {
		if browser == nil {
			return
		}
		d := <-browser
		if d.err != nil {
			t.Fatalf("chromium --dump-dom /fleet: %v", d.err)
		}
		for _, inst := range append([]string{lab.ne}, lab.agents...) {
			if !strings.Contains(string(d.dom), ">"+inst+"<") {
				t.Errorf("/fleet in a browser does not show %s:\n%s", inst, d.dom)
			}
		}
		if !strings.Contains(string(d.dom), `href="http://`+lab.agents[0]+`/"`) || !strings.Contains(string(d.dom), "LabLoad") {
			t.Errorf("/fleet in a browser: no link to the first agent's dashboard or no alert:\n%s", d.dom)
		}
		t.Logf("/fleet checked in a browser after %v", time.Since(began))
	}

	// The view, as a user runs it, in a pane wide enough for every column.
	var p *tmuxPane
	if _, err := exec.LookPath("tmux"); err == nil {
		p = newPane(t, "vigia-fleet", 200, 40)
		p.keys(vigiaBin+" fleet --prometheus "+lab.prom+" --refresh 1s --rate-window 5s", "Enter")
		screen := p.waitFor("every host, the alert and the versions", func(s string) bool {
			for _, inst := range append([]string{lab.ne}, lab.agents...) {
				if !strings.Contains(s, inst) {
					return false
				}
			}
			return strings.Contains(s, "LabLoad") && strings.Contains(s, "4 hosts, 0 down, 1 alerting")
		})
		if !strings.Contains(rowOf(screen, lab.agents[0]), "LabLoad") || strings.Contains(rowOf(screen, lab.agents[1]), "LabLoad") {
			t.Errorf("the alert is not on the first agent's row alone:\n%s", screen)
		}
		if !strings.Contains(rowOf(screen, lab.agents[1]), version) || strings.Contains(rowOf(screen, lab.ne), version) {
			t.Errorf("vigia's version should show on the agents' rows only:\n%s", screen)
		}
		p.keys("Down")
		p.keys("h")
		p.waitFor("the detail pane's graphs", contains("memory %"))
		if out := os.Getenv("VIGIA_FLEET_SCREEN"); out != "" {
			os.WriteFile(out, []byte(p.run("capture-pane", "-p", "-e", "-t", "top")), 0o644)
		}
	}

	checkBrowser()

	victim := lab.procs[2]
	killed := time.Now()
	victim.Process.Signal(syscall.SIGKILL) // our own child, by its PID
	waitUntil(t, 10*time.Second, "the killed agent down", func() bool {
		snap = f.Refresh(context.Background(), time.Now())
		h, ok := host(snap, lab.agents[2])
		return ok && !h.Up
	})
	took := time.Since(killed)
	t.Logf("killed agent seen down after %v", took)
	// Two scrape intervals, and the query's own round trip.
	if took > 2*fleetScrape+500*time.Millisecond {
		t.Errorf("killed agent seen down after %v, want within two scrape intervals (%v)", took, 2*fleetScrape)
	}
	if h, _ := host(snap, lab.agents[2]); h.Since.IsZero() || h.Since.Before(killed.Add(-5*time.Second)) {
		t.Errorf("killed agent down since %v, want about %v", h.Since, killed)
	}
	for _, inst := range lab.agents[:2] {
		if h, _ := host(snap, inst); !h.Up {
			t.Errorf("%s down, want up", inst)
		}
	}
	if p != nil {
		p.waitFor("the killed agent down on screen", func(s string) bool { return strings.Contains(rowOf(s, lab.agents[2]), " down ") })
		p.keys("q")
		p.waitFor("the shell prompt after quitting", func(s string) bool {
			return strings.HasSuffix(strings.TrimRight(s, "\n "), "$")
		})
	}
}

// rowOf is the line of screen that names instance.
func rowOf(screen, instance string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, instance+" ") {
			return l
		}
	}
	return ""
}

// TestFleetUsage: the fleet view refuses what it cannot use before it
// takes the terminal.
func TestFleetUsage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"fleet"}, "fleet needs --prometheus URL"},
		{[]string{"fleet", "--prometheus", "prometheus:9090"}, `--prometheus: url "prometheus:9090": want http:// or https:// and a host`},
		{[]string{"fleet", "--prometheus", "http://p:9090", "--alertmanager", "ftp://a"}, "--alertmanager: url"},
		{[]string{"fleet", "--prometheus", "http://p:9090", "--refresh", "10ms"}, "--refresh"},
		{[]string{"fleet", "--prometheus", "http://p:9090", "--token-file", "/nonexistent/token"}, "--token-file"},
		{[]string{"fleet", "--prometheus", "https://p:9090", "--ca-file", "/nonexistent/ca.pem"}, "ca file"},
	} {
		_, errOut, code := vigia(t, nil, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("vigia %v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestFleetConfigSection: the fleet: section gives the URL the flags
// leave out, and a bad one is a usage error naming it.
func TestFleetConfigSection(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "vigia.yaml")
	if err := os.WriteFile(cfg, []byte("fleet:\n  prometheus: prometheus:9090\n  refresh: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := vigia(t, nil, "fleet", "--config", cfg)
	if code != exitUsage || !strings.Contains(errOut, `--prometheus: url "prometheus:9090"`) {
		t.Errorf("vigia fleet with a bad fleet: URL: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = vigia(t, nil, "serve", "--config", cfg, "--no-record")
	if code != exitUsage || !strings.Contains(errOut, `--fleet-prometheus: url "prometheus:9090"`) {
		t.Errorf("vigia serve with a bad fleet: URL: exit %d, stderr %q", code, errOut)
	}
}
