package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/promrules"
)

const rulesHelp = `
vigia rules export — write the rules vigia runs as a Prometheus
alerting-rules file, so one set of rules serves this machine and a fleet.

Usage:
  vigia rules export --format prometheus [flags]

The rules are those 'vigia serve' would run with the same --config and
--rule flags: the default rules (unless default_rules: false) and the
config's own. Each becomes PromQL over node_exporter's series, which vigia's
/metrics exposes too, so the file works for hosts running either agent:
thresholds compare (with for:), trends use predict_linear, rates rate() or
deriv(), absent rules fire for a host that is up without the series. Each
level is one alert of the rule's name with a severity label; the warning
stands down while the critical fires. Process rules, and rules on metrics
Prometheus cannot compute, stay on the agent: the file lists them in its
comments and each is named on stderr with the reason. Check the result
with 'promtool check rules FILE'. docs/fleet.md shows where it goes.

Examples:
  vigia rules export --format prometheus > /etc/prometheus/rules/vigia.yml
  vigia rules export --format prometheus --config /etc/vigia/vigia.yaml --selector 'job="node"'
  vigia rules export --format prometheus --rule kind=trend,metric=fs.avail,within=24h --rate-window 2m
`

func runRules(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rules", rulesHelp)
	configPath := fs.String("config", "", "config `file` whose rules to export (default $XDG_CONFIG_HOME/vigia/vigia.yaml when it exists)")
	var flagRules ruleFlags
	fs.Var(&flagRules, "rule", "add a rule, as `key=value,…` (as for serve; docs/rules.md; repeatable)")
	format := fs.String("format", "", "output `format`: prometheus (the only one)")
	group := fs.String("group", "vigia", "`name` of the rule group")
	rateWindow := fs.String("rate-window", "1m", "`range` of rate() over counters: at least four scrape intervals")
	output := fs.String("output", "", "write to `file` (mode 644) instead of stdout")
	var selectors []string
	fs.Func("selector", "add `matcher` (label=\"value\", !=, =~, !~) to every series the rules read, e.g. job=\"node\" (repeatable)", func(v string) error {
		if err := promrules.CheckMatcher(v); err != nil {
			return err
		}
		selectors = append(selectors, v)
		return nil
	})
	// The subcommand comes first, its flags after it.
	if len(args) > 0 && args[0] == "export" {
		args = args[1:]
	} else if len(args) == 0 || !isHelpFlag(args[0]) {
		return usagef("usage: vigia rules export --format prometheus [flags]")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("rules export takes no arguments, got %q", fs.Args())
	}
	if *format != "prometheus" {
		return usagef("--format %q: want prometheus", *format)
	}
	w, err := durationFlag("rate-window", *rateWindow, config.Limits{Min: time.Second, Max: 24 * time.Hour})
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(e, *configPath)
	if err != nil {
		return err
	}
	s := &setup{cfg: cfg, rules: append(append([]config.Rule(nil), cfg.Rules...), flagRules...)}
	out, skipped, err := promrules.Export(s.engineRules(), promrules.Options{Group: *group, RateWindow: w, Matchers: selectors})
	if err != nil {
		return usagef("%v", err)
	}
	for _, sk := range skipped {
		fmt.Fprintf(e.stderr, "vigia: rule %s stays on the agent: %s\n", sk.Rule, sk.Reason)
	}
	if *output == "" {
		_, err = e.stdout.Write(out)
		return err
	}
	// Prometheus reads the file as another user: world-readable, as rule
	// files are; it holds no secret.
	return os.WriteFile(*output, out, 0o644)
}
