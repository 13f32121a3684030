package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/fleet"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/server"
	"github.com/vigia-dev/vigia/internal/tui"
)

const fleetHelp = `
vigia fleet — every machine Prometheus scrapes, as one table.

Usage:
  vigia fleet --prometheus URL [flags]

One row per host (per scrape target): up or down and since when, CPU %,
memory %, load per CPU, the fullest filesystem and, when its free space
falls, the time until it is full (predict_linear), network rates, firing
alerts and the vigia version. Hosts running vigia serve and hosts running
only node_exporter both work: vigia's /metrics carries node_exporter's
series. Each refresh is a dozen PromQL queries for the whole fleet, never
one per host, so it works the same against VictoriaMetrics, Thanos or Mimir.
Alerts come from Alertmanager's API v2 with --alertmanager, else from
Prometheus' ALERTS series.

The keys are vigia top's: arrows select, / filters (by host, label or
alert), P M N T U sort by CPU, memory, host, state and alerts, < > change the
sort column, r reverses, t groups the rows by job, then by each other label
the targets carry, then not at all; Enter opens the selected host's own
vigia, live (vigia top --remote, at the target's vigia_url label or its
scrape address over http, with --agent-token-file and --ca-file), and q
there comes back; h shows the host's history from Prometheus below the
table; + and - change the refresh; ? lists every key. A failed refresh (Prometheus unreachable, a 401, a timeout) is said on
screen, the last good table stays, and the next refresh recovers. Theme and
keys come from the config file's tui: section, and its fleet: section
(prometheus, alertmanager, token_file, ca_file, refresh, group) gives what
the flags leave out. docs/fleet.md walks from one machine to many.

Examples:
  vigia fleet --prometheus http://prometheus:9090
  vigia fleet --prometheus https://prom.example:9090 --token-file ~/.prom-token --ca-file ca.pem
  vigia fleet --prometheus http://localhost:9090 --alertmanager http://localhost:9093 --group env
`

func runFleet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fleet", fleetHelp)
	configPath := fs.String("config", "", "config `file` for the theme, keys and rules colouring values (default $XDG_CONFIG_HOME/vigia/vigia.yaml when it exists)")
	prom := fs.String("prometheus", "", "Prometheus query API `URL` (or VictoriaMetrics, Thanos, Mimir)")
	am := fs.String("alertmanager", "", "Alertmanager `URL` to read firing alerts from (default: Prometheus' ALERTS)")
	tokenFile := fs.String("token-file", "", "`file` holding a bearer token for both URLs")
	user := fs.String("user", "", "basic-auth `user` for both URLs (the password from --password-file)")
	passFile := fs.String("password-file", "", "`file` holding the basic-auth password")
	caFile := fs.String("ca-file", "", "PEM `file` of the CAs to trust for https (Prometheus, Alertmanager and the agents Enter opens)")
	agentToken := fs.String("agent-token-file", "", "`file` holding the bearer token of the vigia agents Enter opens")
	timeout := fs.String("timeout", "10s", "each query's `timeout`")
	refresh := fs.String("refresh", "5s", "refresh every `interval` (+ and - change it live)")
	rateWindow := fs.String("rate-window", "1m", "`range` of rate() over counters: at least four scrape intervals")
	group := fs.String("group", "", "group the rows by this `label` from the start (t cycles)")
	lang := fs.String("lang", "", "language of the view, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("fleet takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	cfg, _, err := loadConfig(e, *configPath)
	if err != nil {
		return err
	}
	// The fleet: section gives what the flags leave out.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, d := range []struct {
		flag *string
		file string
	}{{prom, cfg.Fleet.Prometheus}, {am, cfg.Fleet.Alertmanager}, {tokenFile, cfg.Fleet.TokenFile}, {caFile, cfg.Fleet.CAFile}, {group, cfg.Fleet.Group}} {
		if *d.flag == "" {
			*d.flag = d.file
		}
	}
	if *prom == "" {
		return usagef("fleet needs --prometheus URL (or prometheus: in the config's fleet: section)")
	}
	every, err := durationFlag("refresh", *refresh, config.LimitsFleetRefresh)
	if err != nil {
		return err
	}
	if !set["refresh"] && cfg.Fleet.Refresh != 0 {
		every = cfg.Fleet.Refresh
	}
	to, err := durationFlag("timeout", *timeout, config.Limits{Min: 100 * time.Millisecond, Max: 5 * time.Minute})
	if err != nil {
		return err
	}
	rw, err := durationFlag("rate-window", *rateWindow, config.Limits{Min: time.Second, Max: 24 * time.Hour})
	if err != nil {
		return err
	}
	tx, err := language(e, cfg.Language, *lang)
	if err != nil {
		return err
	}
	auth := fleet.Auth{User: *user}
	if *tokenFile != "" {
		if auth.Token, err = server.ReadToken(*tokenFile); err != nil {
			return usagef("--token-file: %v", err)
		}
	}
	if *passFile != "" {
		b, err := os.ReadFile(*passFile)
		if err != nil {
			return usagef("--password-file: %v", err)
		}
		auth.Password = strings.TrimSpace(string(b))
	}
	client := func(flag, url string) (*fleet.Client, error) {
		c, err := fleet.NewClient(fleet.ClientOptions{URL: url, Auth: auth, CAFile: *caFile, Timeout: to})
		if err != nil {
			return nil, usagef("--%s: %v", flag, err)
		}
		return c, nil
	}
	pc, err := client("prometheus", *prom)
	if err != nil {
		return err
	}
	o := fleet.Options{Prometheus: pc, RateWindow: rw}
	if *am != "" {
		if o.Alertmanager, err = client("alertmanager", *am); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding vigia's own binary: %w", err)
	}
	// Enter opens a host's agent as vigia top --remote, with this view's
	// config, language and CA, in the terminal this view gives up meanwhile.
	attach := func(url string) *exec.Cmd {
		args := []string{"top", "--remote", url}
		for _, a := range [][2]string{{"--token-file", *agentToken}, {"--ca-file", *caFile}, {"--config", *configPath}, {"--lang", *lang}} {
			if a[1] != "" {
				args = append(args, a[0], a[1])
			}
		}
		return exec.Command(self, args...)
	}
	s := &setup{cfg: cfg, rules: cfg.Rules}
	return tui.RunFleet(ctx, tui.FleetOptions{
		Source:  fleet.New(o),
		URL:     pc.URL(),
		Refresh: every,
		Group:   *group,
		Config:  cfg.TUI,
		Text:    tx,
		Level:   thresholdLevel(s.engineRules()),
		Now:     e.clock,
		Attach:  attach,
	})
}

// thresholdLevel judges one value by the threshold rules on its metric
// that select no labels: the fleet view colours a host's CPU, memory, load
// and fullest filesystem as the host's own vigia would.
func thresholdLevel(rules []rule.Rule) func(metric string, v float64) reading.Status {
	return func(metric string, v float64) reading.Status {
		worst := reading.Normal
		for i := range rules {
			r := &rules[i]
			if r.Metric != metric || len(r.Match) > 0 || (r.Kind != "" && r.Kind != rule.Threshold) {
				continue
			}
			// An unused level's bound is NaN, which no value reaches.
			reached := func(b float64) bool { return (!r.Below && v >= b) || (r.Below && v <= b) }
			switch {
			case reached(r.Threshold(reading.Critical)):
				worst = max(worst, reading.Critical)
			case reached(r.Threshold(reading.Warning)):
				worst = max(worst, reading.Warning)
			}
		}
		return worst
	}
}

// fleetSource is serve's /fleet source: the config's fleet: section with
// the flags over it; nil without a Prometheus URL.
func fleetSource(f config.Fleet) (server.Fleet, error) {
	if f.Prometheus == "" {
		if f.Alertmanager != "" {
			return nil, usagef("--fleet-alertmanager needs --fleet-prometheus")
		}
		return nil, nil
	}
	var auth fleet.Auth
	if f.TokenFile != "" {
		var err error
		if auth.Token, err = server.ReadToken(f.TokenFile); err != nil {
			return nil, usagef("fleet token_file: %v", err)
		}
	}
	o := fleet.Options{}
	for _, c := range []struct {
		flag, url string
		dst       **fleet.Client
	}{{"--fleet-prometheus", f.Prometheus, &o.Prometheus}, {"--fleet-alertmanager", f.Alertmanager, &o.Alertmanager}} {
		if c.url == "" {
			continue
		}
		cl, err := fleet.NewClient(fleet.ClientOptions{URL: c.url, Auth: auth, CAFile: f.CAFile})
		if err != nil {
			return nil, usagef("%s: %v", c.flag, err)
		}
		*c.dst = cl
	}
	// Every page and API caller shares one round of queries per refresh.
	return fleet.NewCache(fleet.New(o), cmp.Or(f.Refresh, 5*time.Second)), nil
}
