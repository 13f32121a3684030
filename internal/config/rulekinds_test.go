package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRuleKinds(t *testing.T) {
	t.Parallel()
	in := `rules:
  - name: root_filling
    kind: trend
    metric: fs.avail
    labels: {mountpoint: /}
    window: 1h
    within: 4h
    critical_within: 1h
  - name: memory_growth
    kind: rate
    metric: memory.used
    per: 1m
    window: 2m
    warning: 104857600
  - name: nginx_down
    kind: process
    check: missing
    comm: nginx
    for: 30s
    severity: warning
  - name: trainer_hog
    kind: process
    check: cpu
    cmdline: 'python3? .*train\.py'
    warning: 90
    for: 5m
  - name: java_leak
    kind: process
    check: leak
    comm: java
    window: 2h
    per: 1h
    warning: 104857600
  - name: disk_sensor_down
    kind: absent
    sensor: disk
    for: 2m
  - name: data_unmounted
    kind: absent
    metric: fs.avail
    labels: {mountpoint: /data}
`
	cfg, err := Parse("kinds.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	want := []Rule{
		{Name: "root_filling", Kind: "trend", Metric: "fs.avail", Labels: map[string]string{"mountpoint": "/"}, Window: time.Hour, Within: 4 * time.Hour, CriticalWithin: time.Hour},
		{Name: "memory_growth", Kind: "rate", Metric: "memory.used", Per: time.Minute, Window: 2 * time.Minute, Warning: f(100 << 20)},
		{Name: "nginx_down", Kind: "process", Check: "missing", Comm: "nginx", For: 30 * time.Second, Severity: "warning"},
		{Name: "trainer_hog", Kind: "process", Check: "cpu", Cmdline: `python3? .*train\.py`, Warning: f(90), For: 5 * time.Minute},
		{Name: "java_leak", Kind: "process", Check: "leak", Comm: "java", Window: 2 * time.Hour, Per: time.Hour, Warning: f(100 << 20)},
		{Name: "disk_sensor_down", Kind: "absent", Sensor: "disk", For: 2 * time.Minute},
		{Name: "data_unmounted", Kind: "absent", Metric: "fs.avail", Labels: map[string]string{"mountpoint": "/data"}},
	}
	if diff := cmp.Diff(want, cfg.Rules); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
}

func TestParseRuleKindErrors(t *testing.T) {
	t.Parallel()
	tests := []parseErrorCase{
		{"unknown kind", "rules:\n  - name: x\n    kind: sigmoid\n    metric: cpu.usage\n", `bad.yaml:3: rule "x": unknown kind "sigmoid" (threshold, trend, rate, process, absent)`},
		{"trend without within", "rules:\n  - name: x\n    kind: trend\n    metric: fs.avail\n", `bad.yaml:3: rule "x": a trend rule needs within (warning), critical_within or both`},
		{"trend negative window", "rules:\n  - name: x\n    kind: trend\n    metric: fs.avail\n    within: 4h\n    window: -1h\n", `bad.yaml:6: rule "x": window: -1h is negative`},
		{"trend horizons inverted", "rules:\n  - name: x\n    kind: trend\n    metric: fs.avail\n    within: 1h\n    critical_within: 2h\n", `bad.yaml:6: rule "x": critical_within 2h0m0s is longer than within 1h0m0s`},
		{"trend with warning", "rules:\n  - name: x\n    kind: trend\n    metric: fs.avail\n    within: 1h\n    warning: 3\n", `bad.yaml:6: rule "x": warning does not apply to a trend rule (only to threshold, rate, process)`},
		{"trend unknown metric", "rules:\n  - name: x\n    kind: trend\n    metric: fs.avial\n    within: 1h\n", `bad.yaml:4: rule "x": unknown metric "fs.avial"`},
		{"trend no metric", "rules:\n  - name: x\n    kind: trend\n    within: 1h\n", `bad.yaml:3: rule "x": metric is missing`},
		{"within on a threshold", "rules:\n  - name: x\n    metric: cpu.usage\n    warning: 1\n    within: 1h\n", `bad.yaml:5: rule "x": within does not apply to a threshold rule (only to trend)`},
		{"rate without bounds", "rules:\n  - name: x\n    kind: rate\n    metric: memory.used\n    per: 1m\n", `bad.yaml:3: rule "x": a rate rule needs warning, critical or both`},
		{"rate negative per", "rules:\n  - name: x\n    kind: rate\n    metric: memory.used\n    warning: 1\n    per: -1m\n", `bad.yaml:6: rule "x": per: -1m is negative`},
		{"rate inverted", "rules:\n  - name: x\n    kind: rate\n    metric: memory.used\n    warning: 9\n    critical: 1\n", `bad.yaml:6: rule "x": critical 1 is below warning 9`},
		{"bad regexp", "rules:\n  - name: x\n    kind: process\n    check: cpu\n    warning: 1\n    cmdline: 'a(b'\n", "bad.yaml:6: rule \"x\": cmdline \"a(b\" is not a valid regular expression: error parsing regexp: missing closing ): `a(b`"},
		{"process picks nothing", "rules:\n  - name: x\n    kind: process\n    check: missing\n", `bad.yaml:3: rule "x": a process rule needs comm (the command name), cmdline (a regular expression) or both`},
		{"process no check", "rules:\n  - name: x\n    kind: process\n    comm: a\n", `bad.yaml:3: rule "x": a process rule needs check: cpu, rss, leak or missing`},
		{"process bad check", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: io\n", `bad.yaml:5: rule "x": unknown check "io" (cpu, rss, leak, missing)`},
		{"process metric", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: missing\n    metric: cpu.usage\n", `bad.yaml:6: rule "x": metric does not apply to a process rule`},
		{"missing with warning", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: missing\n    warning: 1\n", `bad.yaml:6: rule "x": warning does not apply to check: missing (set severity: warning or critical)`},
		{"cpu without bounds", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: cpu\n", `bad.yaml:5: rule "x": check cpu needs warning, critical or both`},
		{"cpu with window", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: cpu\n    warning: 1\n    window: 1h\n", `bad.yaml:7: rule "x": window and per apply to check: leak only`},
		{"leak below", "rules:\n  - name: x\n    kind: process\n    comm: a\n    check: leak\n    warning: 1\n    below: true\n", `bad.yaml:7: rule "x": a leak rule fires on growth: below does not apply`},
		{"bad severity", "rules:\n  - name: x\n    kind: absent\n    sensor: cpu\n    severity: page\n", `bad.yaml:5: rule "x": severity "page" must be warning or critical`},
		{"absent nothing", "rules:\n  - name: x\n    kind: absent\n    for: 1m\n", `bad.yaml:3: rule "x": an absent rule needs a sensor or a metric to watch`},
		{"absent unknown sensor", "rules:\n  - name: x\n    kind: absent\n    sensor: gpu\n", `bad.yaml:4: rule "x": unknown sensor "gpu"`},
		{"absent wrong sensor", "rules:\n  - name: x\n    kind: absent\n    sensor: cpu\n    metric: fs.avail\n", `bad.yaml:4: rule "x": metric "fs.avail" comes from sensor "disk", not "cpu"`},
		{"absent labels on a sensor", "rules:\n  - name: x\n    kind: absent\n    sensor: cpu\n    labels: {a: b}\n", `bad.yaml:5: rule "x": labels select series of a metric`},
		{"absent negative for", "rules:\n  - name: x\n    kind: absent\n    sensor: cpu\n    for: -1s\n", `bad.yaml:5: rule "x": for: -1s is negative`},
	}
	testParseErrors(t, tests)
}

func FuzzParseRuleKinds(f *testing.F) {
	f.Add([]byte("rules:\n  - {name: a, kind: trend, metric: fs.avail, within: 4h, window: 1h, bound: 0}\n"))
	f.Add([]byte("rules:\n  - {name: b, kind: process, check: missing, cmdline: '^(a|b)+$', severity: warning}\n"))
	f.Add([]byte("rules:\n  - {name: c, kind: absent, metric: fs.avail, labels: {mountpoint: /}, for: 1m}\n"))
	f.Add([]byte("rules:\n  - {kind: rate, metric: memory.used, per: 1m, warning: 1, critical: 2, window: -3s}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := Parse("fuzz.yaml", b)
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
