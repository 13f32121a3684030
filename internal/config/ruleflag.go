package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ruleFlagName is the flag ParseRuleFlag reads, which its errors name.
const ruleFlagName = "--rule"

// ParseRuleFlag reads one --rule flag, `key=value,…` with the keys a rule
// takes in the file (labels as labels.NAME=VALUE), and validates the rule as
// the file's are; n is its number, from 1. The pairs become a YAML mapping
// decoded by the file's decoder, so a value means what it would in the file
// and a bad one is said in the same words. A value in single quotes, as in
// YAML (two quotes in a row for one), may hold commas and is always text.
func ParseRuleFlag(s string, n int) (Rule, error) {
	fail := func(format string, args ...any) (Rule, error) {
		return Rule{}, &Error{File: ruleFlagName, Msg: fmt.Sprintf("rule %d: ", n) + fmt.Sprintf(format, args...)}
	}
	pairs, err := splitRuleFlag(s)
	if err != nil {
		return fail("%v", err)
	}
	fields := ruleFields()
	root := &yaml.Node{Kind: yaml.MappingNode}
	var labels *yaml.Node
	seen := map[string]bool{}
	for i, p := range pairs {
		// Each pair is a line of its own, so yaml's messages say which.
		line := i + 1
		if seen[p.key] {
			return fail("%s given twice", p.key)
		}
		seen[p.key] = true
		val := &yaml.Node{Kind: yaml.ScalarNode, Value: p.value, Line: line}
		if p.quoted {
			val.Style = yaml.SingleQuotedStyle
		}
		key, mapKey, isMap := p.key, "", false
		if k, name, ok := strings.Cut(p.key, "."); ok && name != "" {
			key, mapKey = k, name
		}
		isMap, known := fields[key]
		if !known || isMap != (mapKey != "") {
			return fail("unknown key %q (keys: %s)", p.key, strings.Join(RuleFlagKeys(), ", "))
		}
		if !isMap {
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key, Line: line}, val)
			continue
		}
		if labels == nil {
			labels = &yaml.Node{Kind: yaml.MappingNode, Line: line}
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key, Line: line}, labels)
		}
		labels.Content = append(labels.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: mapKey, Line: line}, val)
	}
	var r Rule
	if err := root.Decode(&r); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return fail("%v", err)
		}
		var errs Errors
		for _, m := range te.Errors {
			e := typeError(ruleFlagName, root, m)
			errs = append(errs, &Error{File: ruleFlagName, Msg: fmt.Sprintf("rule %d: %s", n, e.Msg)})
		}
		return Rule{}, errs
	}
	if err := ValidateRule(r, ruleFlagName, n); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// RuleFlagKeys is every key of --rule, sorted: the yaml keys of Rule, a
// map's as KEY.NAME (labels.NAME).
func RuleFlagKeys() []string {
	var keys []string
	for k, isMap := range ruleFields() {
		if isMap {
			k += ".NAME"
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ruleFields maps each yaml key of Rule to whether it is a map.
func ruleFields() map[string]bool {
	t := reflect.TypeFor[Rule]()
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type.Kind() == reflect.Map
	}
	return out
}

type rulePair struct {
	key, value string
	quoted     bool
}

// splitRuleFlag cuts `k=v,k='a,b'` into its pairs.
func splitRuleFlag(s string) ([]rulePair, error) {
	var out []rulePair
	for {
		k, rest, ok := strings.Cut(s, "=")
		if item, _, _ := strings.Cut(s, ","); !ok || strings.Contains(k, ",") {
			return nil, fmt.Errorf("%q: want key=value", strings.TrimSpace(item))
		}
		p := rulePair{key: strings.TrimSpace(k)}
		rest = strings.TrimLeft(rest, " ")
		if q, quoted := strings.CutPrefix(rest, "'"); quoted {
			var err error
			p.value, rest, err = unquote(q)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.key, err)
			}
			p.quoted = true
			if rest = strings.TrimLeft(rest, " "); rest != "" && rest[0] != ',' {
				return nil, fmt.Errorf("%s: %q after the closing quote", p.key, rest)
			}
		} else {
			v, _, _ := strings.Cut(rest, ",")
			p.value, rest = strings.TrimSpace(v), rest[len(v):]
		}
		out = append(out, p)
		next, more := strings.CutPrefix(rest, ",")
		if !more {
			return out, nil
		}
		s = next
	}
}

// unquote reads a single-quoted YAML scalar whose opening quote is already
// read: it runs to the first quote that is not doubled (a doubled one
// stands for one quote).
// It returns the value and what follows the closing quote.
func unquote(q string) (value, rest string, err error) {
	var b strings.Builder
	for {
		j := strings.IndexByte(q, '\'')
		if j < 0 {
			return "", "", errors.New("the quote is not closed")
		}
		b.WriteString(q[:j])
		q = q[j+1:]
		if !strings.HasPrefix(q, "'") {
			return b.String(), q, nil
		}
		b.WriteByte('\'')
		q = q[1:]
	}
}
