package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseValid(t *testing.T) {
	t.Parallel()
	in := `
procfs: /host/proc
interval: 1s
sensors:
  cpu: {interval: 1.5s}
  temperature: {enabled: false}
engine: {workers: 3}
rules:
  - name: root-full
    metric: fs.used_percent
    labels: {mountpoint: /}
    warning: 80
    critical: 95
    for: 5m
`
	cfg, err := Parse("vigia.yaml", []byte(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	w, c := 80.0, 95.0
	want := []Rule{{Name: "root-full", Metric: "fs.used_percent", Labels: map[string]string{"mountpoint": "/"}, Warning: &w, Critical: &c, For: 5 * time.Minute}}
	if diff := cmp.Diff(want, cfg.Rules); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
	if cfg.Sensors["cpu"].Interval != 1500*time.Millisecond || cfg.Interval != time.Second || cfg.Procfs != "/host/proc" || cfg.Engine.Workers != 3 {
		t.Errorf("decoded %+v", cfg)
	}
	if e := cfg.Sensors["temperature"].Enabled; e == nil || *e {
		t.Errorf("temperature enabled = %v, want false", e)
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\n\n", "# only a comment\n"} {
		if _, err := Parse("empty.yaml", []byte(in)); err != nil {
			t.Errorf("Parse(%q): %v, want no error", in, err)
		}
	}
}

// TestParseErrorsNameTheLine checks that each kind of mistake is reported
// at the line of the key that is wrong.
func TestParseErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	tests := []parseErrorCase{
		{"syntax", "rules:\n  - name: a\n   metric: x\n", "did not find expected '-' indicator"},
		{"unknown top key", "procfs: /proc\nbogus: 1\n", `bad.yaml:2: unknown key "bogus" in the top level`},
		{"unknown rule key", "rules:\n  - metric: cpu.usage\n    warning: 1\n    critical: 2\n    colour: red\n", `bad.yaml:5: unknown key "colour" in a rule`},
		{"bad duration", "interval: 1x\n", "bad.yaml:1: interval: \"1x\" is not a duration (write it like 30s, 5m or 4h)"},
		{"short interval", "interval: 1ms\n", "bad.yaml:1: interval: 1ms is too short (at least 100ms)"},
		{"unknown sensor", "sensors:\n  gpu: {interval: 1s}\n", `bad.yaml:2: unknown sensor "gpu"`},
		{"unknown metric", "rules:\n  - metric: cpu.usage\n    warning: 70\n  - metric: cpu.usgae\n    warning: 70\n", `bad.yaml:4: rule 2: unknown metric "cpu.usgae"`},
		{"bad threshold", "rules:\n  - metric: cpu.usage\n    warning: high\n", `bad.yaml:3: warning: "high" is not a number`},
		{"long bad duration", "rules:\n  - metric: cpu.usage\n    warning: 1\n    for: one fortnight\n", `bad.yaml:4: for: "one fortnight" is not a duration (write it like 30s, 5m or 4h)`},
		{"bad boolean", "rules:\n  - metric: cpu.usage\n    warning: 1\n    below: maybe\n", `bad.yaml:4: below: "maybe" is not true or false`},
		{"bad whole number", "engine:\n  workers: many\n", `bad.yaml:2: workers: "many" is not a whole number`},
		{"inverted thresholds", "rules:\n  - name: x\n    metric: cpu.usage\n    warning: 90\n    critical: 70\n", `bad.yaml:5: rule "x": critical 70 is below warning 90`},
		{"no thresholds", "rules:\n  - metric: cpu.usage\n", "bad.yaml:2: rule 1: needs warning, critical or both"},
		{"duplicate name", "rules:\n  - {name: a, metric: cpu.usage, warning: 1}\n  - {name: a, metric: cpu.usage, warning: 2}\n", `bad.yaml:3: rule "a": name already used by rule 1`},
		{"not a mapping", "- a\n- b\n", "bad.yaml:1: the file must be a mapping"},
		{"bad language", "language: fr\n", `bad.yaml:1: language "fr" not available`},
		{"huge interval", "interval: 2000000h\n", "bad.yaml:1: interval: 2000000h is too long (at most 24h)"},
		{"zero interval", "interval: 0s\n", "bad.yaml:1: interval: 0s is too short (at least 100ms)"},
		{"huge sensor interval", "sensors:\n  cpu: {interval: 48h}\n", "bad.yaml:2: sensor cpu: interval: 48h is too long (at most 24h)"},
		{"zero sensor timeout", "sensors:\n  disk:\n    timeout: 0s\n", "bad.yaml:3: sensor disk: timeout: 0s is too short (at least 1ms)"},
		{"max on another sensor", "sensors:\n  cpu:\n    max: 10\n", "bad.yaml:3: sensor cpu: max is a setting of the cgroups sensor only"},
		{"negative cgroups max", "sensors:\n  cgroups:\n    max: -2\n", "bad.yaml:3: sensor cgroups: max -2 out of range (-1 for every group, 0 for the default, or more)"},
		{"huge analysis timeout", "engine:\n  analysis_timeout: 2h\n", "bad.yaml:2: analysis_timeout: 2h is too long (at most 1h)"},
		{"zero workers", "engine:\n  workers: 0\n", "bad.yaml:2: workers 0 out of range (1 to 64)"},
		{"huge for", "rules:\n  - metric: cpu.usage\n    warning: 1\n    for: 2000000h\n", "bad.yaml:4: rule 1: for: 2000000h is too long (at most 168h)"},
		{"huge within", "rules:\n  - kind: trend\n    metric: fs.avail\n    within: 9000d\n", `bad.yaml:4: within: "9000d" is not a duration (write it like 30s, 5m or 4h)`},
		{"word interval", "sensors:\n  cpu:\n    interval: fast\n", `bad.yaml:3: interval: "fast" is not a duration (write it like 30s, 5m or 4h)`},
		{"number interval", "interval: 5\n", `bad.yaml:1: interval: "5" is not a duration (write it like 30s, 5m or 4h)`},
		{"word retention", "store:\n  raw: forever\n", `bad.yaml:2: raw: "forever" is not a duration (write it like 24h, 90m or 30d)`},
		{"huge retention", "store:\n  raw: 4000d\n", "bad.yaml:2: store raw: 96000h is too long (at most 87600h)"},
		{"huge server timeout", "server:\n  timeouts: {idle: 2000000h}\n", "bad.yaml:2: timeouts: idle: 2000000h is too long (at most 1h)"},
		{"huge notifier timeout", "notifiers:\n  - {name: x, type: exec, command: [true], timeout: 2000000h}\n", "bad.yaml:2: timeout: 2000000h is too long (at most 1h)"},
		{"binary junk", "\x7fELF\x02\x01\x01\x00", "bad.yaml:1:1: control characters are not allowed"},
		{"junk on a later line", "procfs: /proc\nsysfs: /s\xffys\n", "bad.yaml:2:10: invalid leading UTF-8 octet"},
	}
	testParseErrors(t, tests)
}

// TestParseNamesEveryError checks that one run names every mistake of
// every section, in line order, and that a value yaml could not read is
// not named a second time by its entry's validation.
func TestParseNamesEveryError(t *testing.T) {
	t.Parallel()
	in := `notifiers:
  - name: pager
    type: exec
rules:
  - metric: cpu.usgae
    warning: 70
  - metric: cpu.usage
    warning: high
interval: soon
sensors:
  cpu: {interval: 0s}
`
	_, err := Parse("bad.yaml", []byte(in))
	if err == nil {
		t.Fatal("Parse = nil error")
	}
	want := []string{
		`bad.yaml:2: exec notifier "pager" has no command`,
		`bad.yaml:5: rule 1: unknown metric "cpu.usgae" (docs/metrics.md lists them)`,
		`bad.yaml:8: warning: "high" is not a number`,
		`bad.yaml:9: interval: "soon" is not a duration (write it like 30s, 5m or 4h)`,
		"bad.yaml:11: sensor cpu: interval: 0s is too short (at least 100ms)",
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("Parse errors mismatch (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("rules:\n  - metric: cpu.usage\n    warning: 70\n"))
	f.Add([]byte("sensors: {cpu: {interval: 2s}}\n"))
	f.Add([]byte("a: [b, {c: d}]\n&x y: *x\n"))
	f.Add([]byte("\x7fELF\x02\x01\x01\x00"))
	f.Add([]byte("notifiers:\n  - {name: a, type: exec}\nrules:\n  - {metric: x, warning: high, for: 0s}\ninterval: fast\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := Parse("fuzz.yaml", b)
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
	})
}
