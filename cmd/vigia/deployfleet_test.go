package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"go.yaml.in/yaml/v3"
)

// deployFleet holds the example files a fleet is set up with
// (deploy/fleet/README.md): Prometheus' config and its targets, the
// exported rules, Alertmanager's config and the Grafana dashboard.
const deployFleet = "../../deploy/fleet"

// packagedConfig is the config the packages install; its rules are the
// ones deploy/fleet/rules.yml holds.
const packagedConfig = "../../deploy/package/vigia.yaml"

// TestDeployFleetRules keeps deploy/fleet/rules.yml what the binary
// exports from the packaged config: go test -run TestDeployFleetRules
// -update rewrites it.
func TestDeployFleetRules(t *testing.T) {
	t.Parallel()
	out, errOut, code := vigia(t, nil, "rules", "export", "--format", "prometheus", "--config", packagedConfig)
	if code != 0 {
		t.Fatalf("vigia rules export: exit %d\n%s", code, errOut)
	}
	golden.Check(t, filepath.Join(deployFleet, "rules.yml"), []byte(out))
}

// TestDeployFleetFilesParse reads every file of deploy/fleet as what it
// is, and has Prometheus' and Alertmanager's own checkers accept the
// configs, the rule file and the targets the config names.
func TestDeployFleetFilesParse(t *testing.T) {
	t.Parallel()
	err := filepath.WalkDir(deployFleet, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v any
		switch filepath.Ext(path) {
		case ".yml", ".yaml":
			err = yaml.Unmarshal(b, &v)
		case ".json":
			err = json.Unmarshal(b, &v)
		case ".md":
		default:
			err = fmt.Errorf("a file of no known kind")
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if promtool, err := exec.LookPath("promtool"); err != nil {
		t.Log("promtool not installed (Debian package prometheus): configs not checked")
	} else {
		// check config follows rule_files and reads every file_sd file.
		out, err := exec.Command(promtool, "check", "config", filepath.Join(deployFleet, "prometheus.yml")).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS: 12 rules found") {
			t.Errorf("promtool check config: %v\n%s", err, out)
		}
	}

	amtool, err := exec.LookPath("amtool")
	if err != nil {
		t.Skip("amtool not installed (Debian package prometheus-alertmanager)")
	}
	am := filepath.Join(deployFleet, "alertmanager.yml")
	if out, err := exec.Command(amtool, "check-config", am).CombinedOutput(); err != nil {
		t.Errorf("amtool check-config: %v\n%s", err, out)
	}
	// Each severity the exported rules carry reaches its receiver.
	for _, tt := range []struct{ labels, receiver string }{
		{"severity=critical alertname=cpu_high", "team-pager"},
		{"severity=warning alertname=cpu_high", "team-mail"},
		{"alertname=other", "team-mail"},
	} {
		args := append([]string{"config", "routes", "test", "--config.file=" + am}, strings.Fields(tt.labels)...)
		out, err := exec.Command(amtool, args...).Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != tt.receiver {
			t.Errorf("alert %s goes to %q (%v), want %s", tt.labels, got, err, tt.receiver)
		}
	}
}

// grafanaDashboard is what the tests read of a Grafana dashboard.
type grafanaDashboard struct {
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []grafanaVariable `json:"list"`
	} `json:"templating"`
	Panels []grafanaPanel `json:"panels"`
}

type grafanaVariable struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Query any    `json:"query"` // a string, or {"query": "..."}
	Multi bool   `json:"multi"`
}

// query is the variable's query, whichever form it has.
func (v grafanaVariable) query() string {
	switch q := v.Query.(type) {
	case string:
		return q
	case map[string]any:
		s, _ := q["query"].(string)
		return s
	}
	return ""
}

type grafanaPanel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos struct {
		H, W, X, Y int
	} `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		RefID        string `json:"refId"`
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // a collapsed row's
}

// all returns the dashboard's panels with those inside rows, rows left out.
func (d grafanaDashboard) all() []grafanaPanel {
	var out []grafanaPanel
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			out = append(out, p)
		}
	}
	walk(d.Panels)
	return out
}

func readDashboard(t *testing.T) grafanaDashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployFleet, "grafana", "vigia.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d grafanaDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/vigia.json: %v", err)
	}
	return d
}

// TestDeployFleetDashboardShape checks what Grafana needs to import the
// dashboard anywhere: a data source chosen on import, job and instance
// variables fed by vigia's series, and on every panel a unit, a legend and
// that data source.
func TestDeployFleetDashboardShape(t *testing.T) {
	t.Parallel()
	d := readDashboard(t)
	// 41 is Grafana 11.6's and 12's; older ones are migrated on import.
	if d.SchemaVersion < 41 || d.UID == "" {
		t.Errorf("schemaVersion %d, uid %q: want 41 or later and a uid", d.SchemaVersion, d.UID)
	}
	vars := map[string]grafanaVariable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	if v := vars["datasource"]; v.Type != "datasource" || v.query() != "prometheus" {
		t.Errorf("datasource variable: %+v, want one of type datasource over prometheus", v)
	}
	for _, name := range []string{"job", "instance"} {
		if v := vars[name]; v.Type != "query" || !strings.HasPrefix(v.query(), "label_values(vigia_") {
			t.Errorf("%s variable: %+v, want label_values over a vigia_ series", name, v)
		}
	}
	// Every vigia_* series the dashboard reads is one docs/api.md lists,
	// as `name` or `name{labels}`.
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := func(name string) bool {
		api := string(b)
		return !strings.HasPrefix(name, "vigia_") || strings.Contains(api, "`"+name+"`") || strings.Contains(api, "`"+name+"{")
	}
	for _, v := range d.Templating.List {
		for _, name := range promqlNames(v.query()) {
			if !documented(name) {
				t.Errorf("variable %s reads %s, which docs/api.md does not list", v.Name, name)
			}
		}
	}
	ids := map[int]bool{}
	panels := d.all()
	if len(panels) < 20 {
		t.Errorf("%d panels", len(panels))
	}
	for _, p := range panels {
		if ids[p.ID] {
			t.Errorf("panel %q: id %d used twice", p.Title, p.ID)
		}
		ids[p.ID] = true
		if p.Datasource.UID != "${datasource}" || p.Datasource.Type != "prometheus" {
			t.Errorf("panel %q reads %+v, not ${datasource}", p.Title, p.Datasource)
		}
		if p.FieldConfig.Defaults.Unit == "" {
			t.Errorf("panel %q has no unit", p.Title)
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q at %+v: off the 24-column grid", p.Title, p.GridPos)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			for _, name := range promqlNames(q.Expr) {
				family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
				if !documented(family) {
					t.Errorf("panel %q reads %s, which docs/api.md does not list", p.Title, name)
				}
			}
			if q.Expr == "" || q.LegendFormat == "" || !strings.Contains(q.LegendFormat, "{{instance}}") {
				t.Errorf("panel %q query %s: expr %q, legend %q: want both, the legend naming the instance", p.Title, q.RefID, q.Expr, q.LegendFormat)
			}
			for _, v := range []string{`job="$job"`, `instance=~"$instance"`} {
				if !strings.Contains(q.Expr, v) {
					t.Errorf("panel %q query %s does not select %s: %s", p.Title, q.RefID, v, q.Expr)
				}
			}
		}
	}
}

// TestDeployFleetQueries runs the example fleet for real on loopback: the
// built vigia serve with the packaged config, and a real Prometheus started
// from deploy/fleet/prometheus.yml (its rules and file-based targets beside
// it, the scrape every second) and, where installed, a real Alertmanager
// from deploy/fleet/alertmanager.yml. Every rule evaluates without error,
// an alert of each severity reaches its receiver, the dashboard's
// variables find the agent, and each panel's queries, with the variables
// filled in as Grafana fills them, return series.
func TestDeployFleetQueries(t *testing.T) {
	t.Parallel()
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	dir := t.TempDir()
	agent := freeAddr(t)
	// The fixture's sensor chips stand in for this machine's, which may
	// have none: the temperature panels need some.
	startProcess(t, vigiaBin, "serve", "--listen", agent, "--config", withWebhook(t, packagedConfig),
		"--db", filepath.Join(dir, "vigia.db"), "--top-processes", "5", "--interval", "500ms",
		"--sysfs", sysWithHwmon(t, "../../internal/node/testdata/hwmon-laptop/sys"))

	// Alerts go to a real Alertmanager from deploy/fleet's config where
	// one is installed, else to a loopback port no one listens on.
	am, hooks := freeAddr(t), (*amHooks)(nil)
	if amBin, err := exec.LookPath("prometheus-alertmanager"); err == nil {
		hooks = newAMHooks(t)
		am = startDeployAlertmanager(t, amBin, filepath.Join(dir, "am"), hooks.URL)
	}
	prom := startDeployPrometheus(t, promBin, dir, agent, am)
	// Scrapes that succeeded: up counts the failed ones too.
	waitUntil(t, 60*time.Second, "Prometheus to scrape the agent 12 times", func() bool {
		r, err := promQuery(prom, `count_over_time(vigia_build_info{job="vigia"}[1m]) >= 12`)
		return err == nil && len(r) == 1
	})

	t.Run("rules", func(t *testing.T) {
		rules, err := promRules(prom)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rules {
			if strings.HasPrefix(r.Name, "Lab") {
				continue
			}
			n++
			if r.Health != "ok" {
				t.Errorf("rule %s: health %q %s", r.Name, r.Health, r.LastError)
			}
		}
		if n != 12 {
			t.Errorf("Prometheus loaded %d rules of rules.yml, want 12", n)
		}
	})

	t.Run("alerts", func(t *testing.T) {
		if hooks == nil {
			t.Skip("prometheus-alertmanager not installed (Debian package prometheus-alertmanager)")
		}
		// The lab's rules fire at once on every agent, one alert of
		// each severity; alertmanager.yml routes each to its receiver.
		want := map[string]string{"LabCritical": "team-pager", "LabWarning": "team-mail"}
		reached := func() bool {
			got := hooks.received()
			return slices.Contains(got["LabCritical"], "team-pager") && slices.Contains(got["LabWarning"], "team-mail")
		}
		for deadline := time.Now().Add(30 * time.Second); !reached() && time.Now().Before(deadline); {
			time.Sleep(200 * time.Millisecond)
		}
		got := hooks.received()
		for alert, r := range want {
			if !slices.Equal(got[alert], []string{r}) {
				t.Errorf("%s reached %q, want %s alone", alert, got[alert], r)
			}
		}
	})

	d := readDashboard(t)
	fill := strings.NewReplacer(
		"$job", "vigia", "$instance", agent,
		// rate() needs two scrapes in the window: at one a second, 15 s
		// holds them even when a busy machine fails a few scrapes.
		"$__rate_interval", "15s", "$__interval", "2s", "$__range", "1m")
	t.Run("variables", func(t *testing.T) {
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			got, err := labelValues(prom, fill.Replace(v.query()))
			if err != nil {
				t.Errorf("variable %s: %v", v.Name, err)
			} else if want := map[string]string{"job": "vigia", "instance": agent}[v.Name]; !slices.Contains(got, want) {
				t.Errorf("variable %s offers %q, not %s", v.Name, got, want)
			}
		}
	})
	t.Run("panels", func(t *testing.T) {
		// empty maps each query that returns no series to its panel's
		// title and refId. Those are asked again over a few seconds, as a
		// scrape the busy machine failed can leave a window without data;
		// a series the agent does not have never comes.
		type query struct{ where, legend string }
		empty := map[string]query{}
		for _, p := range d.all() {
			for _, q := range p.Targets {
				expr := fill.Replace(q.Expr)
				if strings.Contains(expr, "$") {
					t.Errorf("panel %q query %s: a variable the test does not fill: %s", p.Title, q.RefID, expr)
					continue
				}
				empty[expr] = query{fmt.Sprintf("panel %q query %s", p.Title, q.RefID), q.LegendFormat}
			}
		}
		for try := 0; len(empty) > 0 && try < 5; try++ {
			if try > 0 {
				time.Sleep(time.Second)
			}
			for expr, q := range empty {
				r, err := promQuery(prom, expr)
				if err != nil {
					t.Errorf("%s: %v", q.where, err)
					delete(empty, expr)
					continue
				}
				if len(r) == 0 {
					continue
				}
				// A legend that names a label the query aggregated
				// away shows blank in Grafana.
				for _, m := range legendLabel.FindAllStringSubmatch(q.legend, -1) {
					if _, ok := r[0][m[1]]; !ok {
						t.Errorf("%s: legend %q names %s, which its series lack: %v", q.where, q.legend, m[1], r[0])
					}
				}
				delete(empty, expr)
			}
		}
		for expr, q := range empty {
			t.Errorf("%s returns no series: %s", q.where, expr)
		}
	})
}

// legendLabel is a {{label}} in a Grafana legend.
var legendLabel = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// editYAML writes to the YAML file from, as edit changes it, and returns
// to. Comments are lost: the copies are the tests' own.
func editYAML(t *testing.T, from, to string, edit func(cfg map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	edit(cfg)
	if b, err = yaml.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// waitReady waits until the Prometheus or Alertmanager at base answers
// its readiness check.
func waitReady(t *testing.T, base string) {
	t.Helper()
	waitUntil(t, 30*time.Second, base+" to be ready", func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// withWebhook writes config with a webhook notifier added, which posts to
// a receiver on loopback until the test ends, and returns the new file:
// an agent without notifiers has no vigia_notifier_* series to show.
func withWebhook(t *testing.T, config string) string {
	t.Helper()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(hook.Close)
	return editYAML(t, config, filepath.Join(t.TempDir(), "vigia.yaml"), func(cfg map[string]any) {
		cfg["notifiers"] = []any{map[string]any{"name": "lab", "type": "webhook", "url": hook.URL}}
	})
}

// labRules fire on every agent as soon as it is scraped: one alert of each
// severity the exported rules carry.
const labRules = `groups:
  - name: lab
    interval: 1s
    rules:
      - alert: LabCritical
        expr: vigia_build_info
        labels: {severity: critical}
      - alert: LabWarning
        expr: vigia_build_info
        labels: {severity: warning}
`

// startDeployPrometheus runs Prometheus from deploy/fleet's prometheus.yml
// copied into dir with rules.yml and labRules, scraping every second, with
// agent as the one file-discovered vigia target, no node target, and
// alerts sent to the Alertmanager at am. It returns Prometheus' base URL.
func startDeployPrometheus(t *testing.T, promBin, dir, agent, am string) string {
	t.Helper()
	cfg := editYAML(t, filepath.Join(deployFleet, "prometheus.yml"), filepath.Join(dir, "prometheus.yml"), func(cfg map[string]any) {
		global, _ := cfg["global"].(map[string]any)
		if global == nil {
			t.Fatal("prometheus.yml has no global section")
		}
		global["scrape_interval"], global["scrape_timeout"], global["evaluation_interval"] = "1s", "900ms", "1s"
		cfg["alerting"] = map[string]any{"alertmanagers": []any{map[string]any{
			"static_configs": []any{map[string]any{"targets": []any{am}}}}}}
		files, _ := cfg["rule_files"].([]any)
		cfg["rule_files"] = append(files, "lab.yml")
	})
	rules, err := os.ReadFile(filepath.Join(deployFleet, "rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	targets := fmt.Sprintf("- targets: [%q]\n  labels: {env: lab}\n", agent)
	for name, body := range map[string]string{"rules.yml": string(rules), "lab.yml": labRules,
		"targets/vigia/lab.yml": targets, "targets/node/README": "no node_exporter here\n"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	startProcess(t, promBin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	waitReady(t, "http://"+addr)
	return "http://" + addr
}

// startDeployAlertmanager runs Alertmanager in dir from deploy/fleet's
// alertmanager.yml, its routes and inhibitions as they are, its timers cut
// to a second, and each receiver turned into a webhook to hooks/NAME. It
// returns Alertmanager's host:port.
func startDeployAlertmanager(t *testing.T, amBin, dir, hooks string) string {
	t.Helper()
	cfg := editYAML(t, filepath.Join(deployFleet, "alertmanager.yml"), filepath.Join(dir, "alertmanager.yml"), func(cfg map[string]any) {
		route, _ := cfg["route"].(map[string]any)
		receivers, _ := cfg["receivers"].([]any)
		if route == nil || len(receivers) == 0 {
			t.Fatal("alertmanager.yml has no route or no receivers")
		}
		route["group_wait"], route["group_interval"] = "1s", "1s"
		for _, r := range receivers {
			r := r.(map[string]any)
			name, _ := r["name"].(string)
			clear(r)
			r["name"] = name
			r["webhook_configs"] = []any{map[string]any{"url": hooks + "/" + name}}
		}
	})
	addr := freeAddr(t)
	startProcess(t, amBin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	waitReady(t, "http://"+addr)
	return addr
}

// amHooks receives Alertmanager's webhook notifications on loopback, one
// path per receiver, until the test ends.
type amHooks struct {
	*httptest.Server
	mu  sync.Mutex
	got map[string][]string // alert name → receivers it reached, once each
}

func newAMHooks(t *testing.T) *amHooks {
	h := &amHooks{got: map[string][]string{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
			t.Errorf("webhook %s: %v", r.URL.Path, err)
			return
		}
		receiver := strings.TrimPrefix(r.URL.Path, "/")
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, a := range msg.Alerts {
			name := a.Labels["alertname"]
			if !slices.Contains(h.got[name], receiver) {
				h.got[name] = append(h.got[name], receiver)
			}
		}
	}))
	t.Cleanup(h.Close)
	return h
}

// received returns a copy of what reached the receivers so far.
func (h *amHooks) received() map[string][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string][]string{}
	for k, v := range h.got {
		out[k] = slices.Clone(v)
	}
	return out
}

// promAnswer is the envelope of Prometheus' HTTP API.
type promAnswer[T any] struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   T      `json:"data"`
}

// promGet asks Prometheus' HTTP API at base for path with query and
// decodes the answer's data into v.
func promGet[T any](base, path string, query url.Values) (T, error) {
	var ans promAnswer[T]
	resp, err := http.Get(base + path + "?" + query.Encode())
	if err != nil {
		return ans.Data, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		return ans.Data, fmt.Errorf("%s: %w", path, err)
	}
	if ans.Status != "success" {
		return ans.Data, fmt.Errorf("%s: %s", path, ans.Error)
	}
	return ans.Data, nil
}

// promQuery runs an instant query and returns its series' labels.
func promQuery(base, q string) ([]map[string]string, error) {
	data, err := promGet[struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
		} `json:"result"`
	}](base, "/api/v1/query", url.Values{"query": {q}})
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q, err)
	}
	var out []map[string]string
	for _, r := range data.Result {
		out = append(out, r.Metric)
	}
	return out, nil
}

// promRule is a rule as Prometheus' rules API describes it.
type promRule struct{ Name, Query, Type, Health, LastError string }

// promRules returns every rule Prometheus has loaded, of every group.
func promRules(base string) ([]promRule, error) {
	data, err := promGet[struct {
		Groups []struct {
			Rules []promRule `json:"rules"`
		} `json:"groups"`
	}](base, "/api/v1/rules", nil)
	var out []promRule
	for _, g := range data.Groups {
		out = append(out, g.Rules...)
	}
	return out, err
}

// labelValuesCall is Grafana's label_values(selector, label) template
// query, or label_values(label).
var labelValuesCall = regexp.MustCompile(`^label_values\((?:(.+),\s*)?(\w+)\)$`)

// labelValues answers a label_values query as Grafana does, from the
// label values API.
func labelValues(base, q string) ([]string, error) {
	m := labelValuesCall.FindStringSubmatch(q)
	if m == nil {
		return nil, fmt.Errorf("not a label_values query: %s", q)
	}
	query := url.Values{}
	if m[1] != "" {
		query.Set("match[]", m[1])
	}
	return promGet[[]string](base, "/api/v1/label/"+m[2]+"/values", query)
}

// sysWithHwmon builds a sysfs in a temporary directory that is this
// machine's /sys but for class/hwmon and class/thermal, which are fixture's:
// links to the real entries, so what the fixture lacks is read live.
func sysWithHwmon(t *testing.T, fixture string) string {
	t.Helper()
	fixture, err := filepath.Abs(fixture)
	if err != nil {
		t.Fatal(err)
	}
	sys := filepath.Join(t.TempDir(), "sys")
	link := func(from, to string) {
		if err := os.Symlink(from, to); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(sys, "class"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, under := range []string{"", "class"} {
		entries, err := os.ReadDir(filepath.Join("/sys", under))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			switch filepath.Join(under, e.Name()) {
			case "class", "class/hwmon", "class/thermal":
				continue
			}
			link(filepath.Join("/sys", under, e.Name()), filepath.Join(sys, under, e.Name()))
		}
	}
	link(filepath.Join(fixture, "class", "hwmon"), filepath.Join(sys, "class", "hwmon"))
	link(filepath.Join(fixture, "class", "thermal"), filepath.Join(sys, "class", "thermal"))
	return sys
}

// markdownLink is a relative link target in Markdown: ](path) or ](path#anchor).
var markdownLink = regexp.MustCompile(`\]\(([^):#]+)(?:#[^)]*)?\)`)

// TestDeployFleetDocs: docs/fleet.md's links into deploy/fleet lead to
// files, and deploy/fleet/README.md links every file there, so neither
// names a file that moved nor leaves one out.
func TestDeployFleetDocs(t *testing.T) {
	t.Parallel()
	links := func(doc string) []string {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range markdownLink.FindAllStringSubmatch(string(b), -1) {
			out = append(out, filepath.Join(filepath.Dir(doc), m[1]))
		}
		return out
	}
	n := 0
	for _, l := range links("../../docs/fleet.md") {
		if !strings.Contains(l, "deploy/fleet") {
			continue
		}
		n++
		if _, err := os.Stat(l); err != nil {
			t.Errorf("docs/fleet.md links to %s: %v", l, err)
		}
	}
	if n == 0 {
		t.Error("docs/fleet.md does not link to deploy/fleet")
	}
	readme := filepath.Join(deployFleet, "README.md")
	linked := links(readme)
	err := filepath.WalkDir(deployFleet, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == readme {
			return err
		}
		if !slices.Contains(linked, path) {
			t.Errorf("deploy/fleet/README.md does not link %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range linked {
		if _, err := os.Stat(l); err != nil {
			t.Errorf("deploy/fleet/README.md links to %s: %v", l, err)
		}
	}
}
