package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
)

// nsFleet is a fleet of machines on this one: vigia agents (the built
// binary), each in a network namespace of its own with its own hostname,
// reached over a veth pair on a private subnet. The first also has a PID
// namespace of its own, with one process in it no other machine has.
type nsFleet struct {
	agents []*nsAgent
	token  string // the agents' token file
	// inside is the name of the process that runs only in the first
	// agent's PID namespace, outside one that runs only out here.
	inside, outside string
}

// nsAgent is one machine of the fleet.
type nsAgent struct {
	ns, hostname string
	addr         string // IP:port, the instance label scrapers give it
	cmd          *exec.Cmd
}

// nsFleetSize is six machines: five found first, one added to the targets
// file while the scrapers run.
const nsFleetSize = 6

// The roles the machines play: top --remote attaches to the first, the
// lab's alert rule names the second, the Prometheus test kills the fourth
// and the VictoriaMetrics test the fifth; the sixth is added later.
const (
	nsRemote, nsAlerting, nsVictimProm, nsVictimVM, nsAdded = 0, 1, 3, 4, 5
)

// nsPrefix names this run's namespaces: a run is told from another by the
// PID of its test binary, so a run killed before its cleanup leaves names
// the next run can find and remove, and two runs at once keep apart.
const nsPrefix = "vigiafleet-"

var nsName = regexp.MustCompile(`^` + nsPrefix + `(\d+)-\d+$`)

// startNSFleet makes the namespaces and starts the agents; all of it goes
// when t ends.
func startNSFleet(t *testing.T) *nsFleet {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root (CI runs the suite as root)")
	}
	for _, bin := range []string{"ip", "unshare", "hostname"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (Debian packages iproute2, util-linux, hostname)", bin)
		}
	}
	nsRemoveStale(t)
	third := nsFreeSubnet(t)
	dir := t.TempDir()
	lab := &nsFleet{token: filepath.Join(dir, "token"), inside: "nsmark-inside", outside: "nsmark-outside"}
	if err := os.WriteFile(lab.token, []byte("fleet-netns-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Two copies of sleep whose names say where they run.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{lab.inside, lab.outside} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	startProcess(t, filepath.Join(dir, lab.outside), "600")

	pid := os.Getpid()
	for n := range nsFleetSize {
		a := &nsAgent{ns: fmt.Sprintf("%s%d-%d", nsPrefix, pid, n), hostname: fmt.Sprintf("fleet-ns%d", n),
			addr: fmt.Sprintf("10.213.%d.%d:8519", third, 4*n+2)}
		veth := fmt.Sprintf("vf%dn%d", pid, n)
		nsIP(t, "netns", "add", a.ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", a.ns).Run() })
		// Deleting the namespace deletes its end of the pair, and so ours.
		nsIP(t, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", a.ns)
		nsIP(t, "addr", "add", fmt.Sprintf("10.213.%d.%d/30", third, 4*n+1), "dev", veth)
		nsIP(t, "link", "set", veth, "up")
		nsIP(t, "-n", a.ns, "addr", "add", fmt.Sprintf("10.213.%d.%d/30", third, 4*n+2), "dev", "eth0")
		nsIP(t, "-n", a.ns, "link", "set", "eth0", "up")
		nsIP(t, "-n", a.ns, "link", "set", "lo", "up")
		lab.agents = append(lab.agents, a)
	}
	for n, a := range lab.agents {
		args := []string{"netns", "exec", a.ns, "unshare", "--uts"}
		script := "hostname " + a.hostname + " && exec " + vigiaBin + " serve --listen " + a.addr +
			" --token-file " + lab.token + " --open-metrics --no-record --interval 1s"
		if n == nsRemote {
			// unshare stays as the namespace's parent and ignores SIGTERM;
			// SIGKILL to it takes its child, and with it every process
			// of the namespace.
			args = append(args, "--pid", "--fork", "--mount-proc", "--kill-child")
			script = filepath.Join(dir, lab.inside) + " 600 & " + script
		}
		// ip, unshare and sh each exec the next: without a PID namespace
		// the process started is the agent itself.
		a.cmd = startProcess(t, "ip", append(args, "sh", "-c", script)...)
		if n == nsRemote {
			t.Cleanup(func() { a.cmd.Process.Kill() }) // our own child, by its PID
		}
	}
	for _, a := range lab.agents {
		nsWaitReady(t, a.hostname+"'s agent", "http://"+a.addr+"/healthz")
	}
	return lab
}

func nsIP(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// nsRemoveStale deletes the namespaces of runs whose test binary
// is gone (killed before its cleanup), and the processes left in them.
func nsRemoveStale(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatalf("ip netns list: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(l, " ")
		m := nsName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if comm, err := os.ReadFile("/proc/" + m[1] + "/comm"); err == nil && strings.HasSuffix(strings.TrimSpace(string(comm)), ".test") {
			continue // a run still going
		}
		pids, _ := exec.Command("ip", "netns", "pids", name).Output()
		for _, p := range strings.Fields(string(pids)) {
			if n, err := strconv.Atoi(p); err == nil {
				syscall.Kill(n, syscall.SIGKILL) // left by a run of this test, by its PID
			}
		}
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Logf("removing the stale namespace %s: %v %s", name, err, out)
		} else {
			t.Logf("removed the stale namespace %s", name)
		}
	}
}

// nsFreeSubnet picks the third octet of a 10.213.X.0/24 no interface here
// has an address in, starting from one drawn from the PID.
func nsFreeSubnet(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("ip", "-o", "-4", "addr", "show").Output()
	if err != nil {
		t.Fatalf("ip addr show: %v", err)
	}
	for i := range 200 {
		x := 20 + (os.Getpid()+i)%200
		if !strings.Contains(string(out), fmt.Sprintf(" 10.213.%d.", x)) {
			return x
		}
	}
	t.Fatal("no free 10.213.X.0/24")
	return 0
}

// writeTargets writes a file_sd targets file, by rename, as its readers
// expect a change to arrive.
func (lab *nsFleet) writeTargets(t *testing.T, path string, n int) {
	t.Helper()
	var targets []string
	for _, a := range lab.agents[:n] {
		targets = append(targets, a.addr)
	}
	b, err := json.Marshal([]map[string]any{{"targets": targets, "labels": map[string]string{"env": "netns"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".new", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

// backend makes what a backend of the fleet starts from: a directory, an
// Alertmanager, the rules file raising alert, and a targets file naming the
// first five agents.
func (lab *nsFleet) backend(t *testing.T, alert string) (dir, am, rules, targets string) {
	t.Helper()
	dir = t.TempDir()
	am = nsAlertmanager(t, dir)
	rules, targets = filepath.Join(dir, "rules.yml"), filepath.Join(dir, "targets.json")
	lab.alertRule(t, rules, alert)
	lab.writeTargets(t, targets, nsAdded)
	return dir, am, rules, targets
}

// alertRule is a rules file with one rule a low threshold makes fire on
// one host alone: memory in use above 1 %.
func (lab *nsFleet) alertRule(t *testing.T, path, name string) {
	t.Helper()
	inst := lab.agents[nsAlerting].addr
	if err := os.WriteFile(path, []byte(fmt.Sprintf(`groups:
  - name: netns
    interval: 1s
    rules:
      - alert: %s
        expr: 100 * (1 - node_memory_MemAvailable_bytes{instance=%q} / node_memory_MemTotal_bytes{instance=%q}) > 1
        labels: {severity: warning}
`, name, inst, inst)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// nsAlertmanager runs a real Alertmanager that routes nowhere.
func nsAlertmanager(t *testing.T, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus-alertmanager")
	if err != nil {
		t.Skip("alertmanager not installed (Debian package prometheus-alertmanager)")
	}
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route: {receiver: none}\nreceivers: [{name: none}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	startProcess(t, bin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "am"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	return "http://" + addr
}

func nsWaitReady(t *testing.T, what, url string) {
	t.Helper()
	waitUntil(t, 30*time.Second, what+" to answer", func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// TestFleetInNamespaces is the fleet as it runs for real, with six
// machines made of network, UTS and PID namespaces: scraped by a real
// Prometheus and a real VictoriaMetrics through file-based discovery,
// alerts through a real Alertmanager (Prometheus) and vmalert, read by
// vigia fleet in a terminal, /fleet in a browser and /api/v1/fleet.
func TestFleetInNamespaces(t *testing.T) {
	began := time.Now()
	lab := startNSFleet(t)
	t.Logf("%d agents in namespaces up after %v", len(lab.agents), time.Since(began))

	t.Run("hostnames", func(t *testing.T) {
		// Each agent says its own machine's name: the UTS namespace is its.
		for _, a := range lab.agents {
			code, body := fetch(t, "http://"+a.addr+"/metrics")
			if code != 200 || !strings.Contains(string(body), `nodename="`+a.hostname+`"`) {
				t.Errorf("%s's /metrics: %d, no node_uname_info with nodename %q", a.addr, code, a.hostname)
			}
		}
	})
	t.Run("top --remote", func(t *testing.T) { lab.checkTopRemote(t) })
	t.Run("wrong URL", func(t *testing.T) { lab.checkWrongURL(t) })
	vm := lab.startVictoriaMetrics(t)
	t.Run("prometheus", func(t *testing.T) { lab.checkPrometheus(t) })
	t.Run("victoriametrics", func(t *testing.T) { lab.checkVictoriaMetrics(t, vm) })
	t.Logf("whole proof took %v", time.Since(began))
}

// checkTopRemote attaches top to the first agent: the processes of its PID
// namespace, not this machine's.
func (lab *nsFleet) checkTopRemote(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	a := lab.agents[nsRemote]
	p := newPane(t, "vigia-nsremote", 160, 40)
	p.keys(vigiaBin+" top --remote http://"+a.addr+" --token-file "+lab.token, "Enter")
	// The header names the agent's machine once the first snapshot is in.
	p.waitFor("the remote dashboard", func(s string) bool {
		return strings.Contains(s, "vigia "+a.hostname+"  REMOTE") && strings.Contains(s, "COMMAND")
	})
	// Both marks are named alike: a filter on the common part would show
	// the outside one on a view of this machine.
	p.keys("/")
	p.keys("-l", "nsmark")
	p.keys("Enter")
	// One of the namespace's two processes (the agent and the mark) is
	// left: a view of this machine would count hundreds, and both marks.
	s := p.waitFor("the namespace's own process alone", func(s string) bool {
		return strings.Contains(s, lab.inside) && strings.Contains(s, " 1/2 procs")
	})
	if strings.Contains(s, lab.outside) {
		t.Errorf("top --remote into %s shows this machine's %s:\n%s", a.hostname, lab.outside, s)
	}
	p.keys("q")
}

// checkWrongURL points vigia fleet at an agent, not at Prometheus: the
// agent answers its query API path with a 401, which the view says, and
// keeps running.
func (lab *nsFleet) checkWrongURL(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	p := newPane(t, "vigia-nswrong", 160, 20)
	p.keys(vigiaBin+" fleet --prometheus http://"+lab.agents[nsRemote].addr+" --refresh 1s", "Enter")
	p.waitFor("the 401 on screen", contains("401 Unauthorized: not authorised"))
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return strings.HasSuffix(strings.TrimRight(s, "\n "), "$") })
}

// nsFleetHost is a host as /api/v1/fleet gives it.
type nsFleetHost struct {
	Instance string `json:"instance"`
	Up       bool   `json:"up"`
	Alerts   []struct {
		Name string `json:"name"`
	} `json:"alerts"`
}

func nsFleetAPI(t *testing.T, base string) map[string]nsFleetHost {
	t.Helper()
	var page struct {
		Hosts []nsFleetHost `json:"hosts"`
	}
	code, body := fetch(t, base+"/api/v1/fleet")
	if err := json.Unmarshal(body, &page); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/fleet = %d, %v:\n%s", code, err, body)
	}
	hosts := map[string]nsFleetHost{}
	for _, h := range page.Hosts {
		hosts[h.Instance] = h
	}
	return hosts
}

// nsNodenames asks a backend which hostname each instance reports.
func nsNodenames(t *testing.T, url string) map[string]string {
	t.Helper()
	c, err := fleet.NewClient(fleet.ClientOptions{URL: url, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Query(context.Background(), "node_uname_info", time.Now())
	if err != nil {
		return nil
	}
	names := map[string]string{}
	for _, s := range got {
		names[s.Labels["instance"]] = s.Labels["nodename"]
	}
	return names
}

// checkFleet is what both backends must show, once they scrape the first
// five agents from the targets file: the sixth added by rewriting the
// file, every host with its own hostname, the alert on its host's row
// alone in vigia fleet and in /api/v1/fleet, and the victim killed seen
// down in both, within two scrape intervals on the API (plus slack, which
// the backend's own ingestion delay gets). down are the hosts already
// killed before.
func (lab *nsFleet) checkFleet(t *testing.T, backend, targets, alert string, victim int, slack time.Duration, down []int, cdp *cdpConn) {
	began := time.Now()
	// The agent shares one round of fleet queries among its callers for
	// the fleet's refresh (5 s by default): once a second here, as the view.
	cfg := filepath.Join(t.TempDir(), "vigia.yaml")
	if err := os.WriteFile(cfg, []byte("fleet:\n  refresh: 1s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, "--no-record", "--sensors", "cpu", "--config", cfg, "--fleet-prometheus", backend)
	first := map[string]bool{}
	for _, a := range lab.agents[:nsAdded] {
		first[a.addr] = true
	}
	waitUntil(t, 30*time.Second, "the five agents of the targets file on /api/v1/fleet", func() bool {
		hosts := nsFleetAPI(t, base)
		got := map[string]bool{}
		for inst := range hosts {
			got[inst] = true
		}
		return fmt.Sprint(got) == fmt.Sprint(first)
	})
	t.Logf("five hosts after %v", time.Since(began))
	lab.writeTargets(t, targets, nsFleetSize)
	waitUntil(t, 20*time.Second, "the agent added to the targets file up with its hostname", func() bool {
		return nsNodenames(t, backend)[lab.agents[nsAdded].addr] == lab.agents[nsAdded].hostname
	})
	t.Logf("the added host after %v", time.Since(began))
	// Every agent's name, waited for: on a loaded machine one scrape may
	// miss its timeout, and the agent's series are absent until the next.
	var wrong []string
	waitUntil(t, 20*time.Second, "every agent's hostname from its node_uname_info", func() bool {
		names := nsNodenames(t, backend)
		wrong = wrong[:0]
		for n, a := range lab.agents {
			if names[a.addr] != a.hostname && !slices.Contains(down, n) {
				wrong = append(wrong, fmt.Sprintf("%s reports hostname %q, want %q", a.addr, names[a.addr], a.hostname))
			}
		}
		if len(wrong) > 0 && testing.Verbose() {
			t.Log(strings.Join(wrong, "; "))
		}
		return len(wrong) == 0
	})

	waitUntil(t, 20*time.Second, "every host up (but those killed before) and the alert on its row alone", func() bool {
		hosts := nsFleetAPI(t, base)
		for n, a := range lab.agents {
			h, ok := hosts[a.addr]
			if !ok || h.Up == slices.Contains(down, n) || (n == nsAlerting) != (len(h.Alerts) > 0) {
				return false
			}
		}
		return len(hosts) == nsFleetSize && hosts[lab.agents[nsAlerting].addr].Alerts[0].Name == alert
	})
	t.Logf("every host and the alert after %v", time.Since(began))

	var p *tmuxPane
	if _, err := exec.LookPath("tmux"); err == nil {
		p = newPane(t, "vigia-nsfleet", 200, 40)
		p.keys(vigiaBin+" fleet --prometheus "+backend+" --refresh 1s --rate-window 5s", "Enter")
		want := fmt.Sprintf("%d hosts, %d down, 1 alerting", nsFleetSize, len(down))
		screen := p.waitFor("every host and the alert", func(s string) bool {
			for _, a := range lab.agents {
				if !strings.Contains(s, a.addr) {
					return false
				}
			}
			return strings.Contains(s, want)
		})
		for n, a := range lab.agents {
			if has := strings.Contains(rowOf(screen, a.addr), alert); has != (n == nsAlerting) {
				t.Errorf("%s's row has the alert %v, want %v:\n%s", a.hostname, has, n == nsAlerting, screen)
			}
		}
	}

	if cdp != nil {
		lab.checkBrowser(t, cdp, base+"/fleet", alert)
		t.Logf("/fleet in a browser after %v", time.Since(began))
	}

	v := lab.agents[victim]
	killed := time.Now()
	v.cmd.Process.Signal(syscall.SIGKILL) // our own child, by its PID
	waitUntil(t, 15*time.Second, "the killed agent down on /api/v1/fleet", func() bool {
		h, ok := nsFleetAPI(t, base)[v.addr]
		return ok && !h.Up
	})
	took := time.Since(killed)
	t.Logf("killed agent down on /api/v1/fleet after %v", took)
	if took > 2*fleetScrape+slack {
		t.Errorf("killed agent seen down after %v, want within two scrape intervals (%v) and %v", took, 2*fleetScrape, slack)
	}
	if p != nil {
		p.waitFor("the killed agent down on screen", func(s string) bool {
			return strings.Contains(rowOf(s, v.addr), " down ") && strings.Contains(s, fmt.Sprintf("%d down", len(down)+1))
		})
		took := time.Since(killed)
		t.Logf("killed agent down on screen after %v", took)
		// The view asks once a second, after the backend knows.
		if took > 2*fleetScrape+time.Second+slack {
			t.Errorf("killed agent down on screen after %v, want within two scrape intervals (%v), a refresh and %v", took, 2*fleetScrape, slack)
		}
		p.keys("q")
	}
}

// checkBrowser loads page in Chromium and waits until it shows every
// host, and the alert.
func (lab *nsFleet) checkBrowser(t *testing.T, cdp *cdpConn, page, alert string) {
	t.Helper()
	if err := cdp.call("Page.navigate", map[string]any{"url": page}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{alert}
	for _, a := range lab.agents {
		want = append(want, a.addr)
	}
	wantJSON, _ := json.Marshal(want)
	var got struct {
		Text    string   `json:"text"`
		Missing []string `json:"missing"`
	}
	// The navigation may not have replaced the blank page yet: the script
	// polls whichever document it finds until /fleet's shows every name.
	waitUntil(t, 30*time.Second, "/fleet in a browser with every host and the alert", func() bool {
		cdp.eval(t, `(async () => {
			const want = `+string(wantJSON)+`;
			let text = "", missing = want;
			for (let i = 0; i < 25; i++) {
				text = document.body ? document.body.innerText : "";
				missing = want.filter((w) => !text.includes(w));
				if (location.pathname === "/fleet" && missing.length === 0) break;
				await new Promise((r) => setTimeout(r, 200));
			}
			return {text, missing};
		})()`, &got)
		return len(got.Missing) == 0
	})
}

// checkPrometheus runs the fleet against Prometheus and Alertmanager. The
// terminal view is started before Prometheus is: an unreachable URL says
// so on screen, and the view recovers by itself.
func (lab *nsFleet) checkPrometheus(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	dir, am, rules, targets := lab.backend(t, "PromMemory")
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [%q]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [%q]
scrape_configs:
  - job_name: vigia
    file_sd_configs:
      - files: [%q]
        refresh_interval: 1s
`, rules, strings.TrimPrefix(am, "http://"), targets)), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	prom := "http://" + addr

	var unreachable *tmuxPane
	if _, err := exec.LookPath("tmux"); err == nil {
		p := newPane(t, "vigia-nsunreach", 160, 20)
		p.keys(vigiaBin+" fleet --prometheus "+prom+" --refresh 1s", "Enter")
		p.waitFor("Prometheus unreachable on screen", contains("connection refused"))
		unreachable = p
	}

	startProcess(t, bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	// Chromium starts while Prometheus gathers its first scrapes.
	var cdp *cdpConn
	if chromium, err := exec.LookPath("chromium"); err == nil {
		cdp = startChromium(t, chromium)
	}
	nsWaitReady(t, "Prometheus", prom+"/-/ready")
	lab.checkFleet(t, prom, targets, "PromMemory", nsVictimProm, 500*time.Millisecond, nil, cdp)
	if unreachable != nil {
		unreachable.waitFor("the view recovered by itself", func(s string) bool {
			return !strings.Contains(s, "connection refused") && strings.Contains(s, fmt.Sprintf("%d hosts, 1 down", nsFleetSize))
		})
		unreachable.keys("q")
	}

	// The same alert, read from Alertmanager's API v2.
	pc, _ := fleet.NewClient(fleet.ClientOptions{URL: prom})
	ac, err := fleet.NewClient(fleet.ClientOptions{URL: am})
	if err != nil {
		t.Fatal(err)
	}
	fa := fleet.New(fleet.Options{Prometheus: pc, Alertmanager: ac, RateWindow: 5 * time.Second})
	waitUntil(t, 20*time.Second, "the alert from Alertmanager on its host alone", func() bool {
		s := fa.Refresh(context.Background(), time.Now())
		if s.Err != nil || len(s.Problems) > 0 || len(s.Hosts) != nsFleetSize {
			return false
		}
		for n, a := range lab.agents {
			h, _ := host(s, a.addr)
			if (n == nsAlerting) != (len(h.Alerts) == 1 && h.Alerts[0].Name == "PromMemory") || (n != nsAlerting && len(h.Alerts) > 0) {
				return false
			}
		}
		return true
	})
}

// nsVMLab is VictoriaMetrics scraping the agents, with vmalert evaluating the
// rule, sending it to Alertmanager and writing ALERTS back. It starts with
// the Prometheus test, so its start-up is paid while that one runs.
type nsVMLab struct {
	url, targets string
}

func (lab *nsFleet) startVictoriaMetrics(t *testing.T) *nsVMLab {
	vm, err := exec.LookPath("victoria-metrics")
	if err != nil {
		return nil
	}
	vmalert, err := exec.LookPath("vmalert")
	if err != nil {
		return nil
	}
	dir, am, rules, targets := lab.backend(t, "VMMemory")
	v := &nsVMLab{targets: targets}
	cfg := filepath.Join(dir, "scrape.yml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: vigia
    file_sd_configs:
      - files: [%q]
`, v.targets)), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	v.url = "http://" + addr
	// latencyOffset 0 and no cache: a query sees what was just scraped.
	startProcess(t, vm, "-httpListenAddr="+addr, "-storageDataPath="+filepath.Join(dir, "data"),
		"-promscrape.config="+cfg, "-promscrape.fileSDCheckInterval=1s",
		"-search.latencyOffset=0s", "-search.disableCache", "-loggerLevel=WARN")
	startProcess(t, vmalert, "-rule="+rules, "-datasource.url="+v.url, "-remoteWrite.url="+v.url, "-remoteWrite.flushInterval=1s",
		"-notifier.url="+am, "-evaluationInterval=1s", "-httpListenAddr="+freeAddr(t), "-loggerLevel=WARN")
	return v
}

// checkVictoriaMetrics runs the fleet against VictoriaMetrics, where the
// Prometheus test's victim is down already.
func (lab *nsFleet) checkVictoriaMetrics(t *testing.T, v *nsVMLab) {
	if v == nil {
		t.Skip("victoria-metrics or vmalert not installed (Debian package victoria-metrics)")
	}
	nsWaitReady(t, "VictoriaMetrics", v.url+"/health")
	lab.checkFleet(t, v.url, v.targets, "VMMemory", nsVictimVM, 2*time.Second, []int{nsVictimProm}, nil)
}
