package main

import (
	"slices"
	"strings"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/node"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
	"github.com/vigia-dev/vigia/internal/text"
)

// valueSet is what a shell offers as a flag's value.
type valueSet struct {
	// words are the values, when they are a closed set or names vigia
	// knows (sensors, metrics).
	words []string
	// list is set when the value is a comma-separated list of words.
	list bool
	// keys, when set, make the value a comma-separated list of key=value
	// pairs: each key with the values it takes (nil: any).
	keys map[string][]string
}

// flagValues gives, by flag name, the values of the flags whose values
// vigia knows, from the registries that define them. A flag with a `file`
// or `dir` value name completes paths instead (completionKind). Every
// name here is a flag of some command: a test checks it, so a renamed
// flag does not leave a dead entry behind.
func flagValues() map[string]valueSet {
	kinds := []string{}
	for _, k := range rule.Kinds() {
		kinds = append(kinds, string(k))
	}
	langs := []string{}
	for _, l := range text.Langs {
		langs = append(langs, l.Code())
	}
	ruleKeys := map[string][]string{}
	for _, k := range config.RuleFlagKeys() {
		if !strings.HasSuffix(k, ".NAME") { // a label's name is the user's
			ruleKeys[k] = nil
		}
	}
	ruleKeys["metric"] = reading.Metrics
	ruleKeys["kind"] = kinds
	ruleKeys["sensor"] = sensor.Names()
	return map[string]valueSet{
		"sensors":      {words: slices.Concat(sensor.Names(), []string{"all"}), list: true},
		"collector":    {words: node.Names()},
		"no-collector": {words: node.Names()},
		"lang":         {words: langs},
		"log-level":    {words: logLevelNames()},
		"log-format":   {words: logFormats},
		// history --metric: a sensor for its main metric, or a metric.
		"metric": {words: slices.Concat(reading.Sensors, reading.Metrics)},
		"rule":   {keys: ruleKeys},
	}
}

// pathKind says whether a flag's value is a file or a directory, from the
// value name its usage gives (`file`, `dir`), or "" when it is neither.
func pathKind(valueName string) string {
	switch valueName {
	case "file", "dir":
		return valueName
	}
	return ""
}
