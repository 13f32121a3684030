package config

import (
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
		{"bad duration", "interval: 1x\n", "bad.yaml:1: cannot read `1x` into time.Duration"},
		{"short interval", "interval: 1ms\n", "bad.yaml:1: interval 1ms is too short"},
		{"unknown sensor", "sensors:\n  gpu: {interval: 1s}\n", `bad.yaml:2: unknown sensor "gpu"`},
		{"unknown metric", "rules:\n  - metric: cpu.usage\n    warning: 70\n  - metric: cpu.usgae\n    warning: 70\n", `bad.yaml:4: rule 2: unknown metric "cpu.usgae"`},
		{"bad threshold", "rules:\n  - metric: cpu.usage\n    warning: high\n", "bad.yaml:3: cannot read `high` into float64"},
		{"inverted thresholds", "rules:\n  - name: x\n    metric: cpu.usage\n    warning: 90\n    critical: 70\n", `bad.yaml:5: rule "x": critical 70 is below warning 90`},
		{"no thresholds", "rules:\n  - metric: cpu.usage\n", "bad.yaml:2: rule 1: needs warning, critical or both"},
		{"duplicate name", "rules:\n  - {name: a, metric: cpu.usage, warning: 1}\n  - {name: a, metric: cpu.usage, warning: 2}\n", `bad.yaml:3: rule "a": name already used by rule 1`},
		{"not a mapping", "- a\n- b\n", "bad.yaml:1: the file must be a mapping"},
		{"bad language", "language: fr\n", `bad.yaml:1: language "fr" not available`},
	}
	testParseErrors(t, tests)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("rules:\n  - metric: cpu.usage\n    warning: 70\n"))
	f.Add([]byte("sensors: {cpu: {interval: 2s}}\n"))
	f.Add([]byte("a: [b, {c: d}]\n&x y: *x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := Parse("fuzz.yaml", b)
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
	})
}
