package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
)

// ruleFlags collects --rule flags as config rules, validated like the file's:
// every key a rule takes in the file is a key here, so every kind of rule
// can be given on the command line.
type ruleFlags []config.Rule

func (r *ruleFlags) String() string { return "" }

func (r *ruleFlags) Set(s string) error {
	if err := r.add(s); err != nil {
		if strings.HasPrefix(err.Error(), "--rule:") {
			return err // the config's validation names the flag and the rule
		}
		return fmt.Errorf("--rule: rule %d: %w", len(*r)+1, err)
	}
	return nil
}

// add parses one --rule and validates it as the config file's rules are.
func (r *ruleFlags) add(s string) error {
	var cr config.Rule
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return fmt.Errorf("%q: want key=value", kv)
		}
		if label, ok := strings.CutPrefix(k, "labels."); ok && label != "" {
			if cr.Labels == nil {
				cr.Labels = map[string]string{}
			}
			cr.Labels[label] = v
			continue
		}
		set, ok := ruleKeys[k]
		if !ok {
			return fmt.Errorf("unknown key %q (keys: %s, labels.NAME)", k, strings.Join(ruleKeyNames(), ", "))
		}
		if err := set(&cr, v); err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
	}
	if err := config.ValidateRule(cr, "--rule", len(*r)+1); err != nil {
		return err
	}
	*r = append(*r, cr)
	return nil
}

// ruleKeys sets one key of a rule from its flag value; the names are the
// config file's (config.Rule's yaml tags).
var ruleKeys = map[string]func(*config.Rule, string) error{
	"name":            ruleText(func(r *config.Rule) *string { return &r.Name }),
	"kind":            ruleText(func(r *config.Rule) *string { return &r.Kind }),
	"metric":          ruleText(func(r *config.Rule) *string { return &r.Metric }),
	"sensor":          ruleText(func(r *config.Rule) *string { return &r.Sensor }),
	"check":           ruleText(func(r *config.Rule) *string { return &r.Check }),
	"comm":            ruleText(func(r *config.Rule) *string { return &r.Comm }),
	"cmdline":         ruleText(func(r *config.Rule) *string { return &r.Cmdline }),
	"severity":        ruleText(func(r *config.Rule) *string { return &r.Severity }),
	"warning":         ruleNumber(func(r *config.Rule) **float64 { return &r.Warning }),
	"critical":        ruleNumber(func(r *config.Rule) **float64 { return &r.Critical }),
	"hysteresis":      ruleNumber(func(r *config.Rule) **float64 { return &r.Hysteresis }),
	"bound":           ruleNumber(func(r *config.Rule) **float64 { return &r.Bound }),
	"for":             ruleDuration(func(r *config.Rule) *time.Duration { return &r.For }),
	"window":          ruleDuration(func(r *config.Rule) *time.Duration { return &r.Window }),
	"within":          ruleDuration(func(r *config.Rule) *time.Duration { return &r.Within }),
	"critical_within": ruleDuration(func(r *config.Rule) *time.Duration { return &r.CriticalWithin }),
	"per":             ruleDuration(func(r *config.Rule) *time.Duration { return &r.Per }),
	"below": func(r *config.Rule, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q: want true or false", v)
		}
		r.Below = b
		return nil
	},
}

func ruleKeyNames() []string {
	names := make([]string, 0, len(ruleKeys))
	for k := range ruleKeys {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func ruleText(field func(*config.Rule) *string) func(*config.Rule, string) error {
	return func(r *config.Rule, v string) error { *field(r) = v; return nil }
}

func ruleNumber(field func(*config.Rule) **float64) func(*config.Rule, string) error {
	return func(r *config.Rule, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		*field(r) = &f
		return nil
	}
}

func ruleDuration(field func(*config.Rule) *time.Duration) func(*config.Rule, string) error {
	return func(r *config.Rule, v string) error {
		d, err := config.ParseDuration(v)
		if err != nil {
			return err
		}
		*field(r) = d
		return nil
	}
}
