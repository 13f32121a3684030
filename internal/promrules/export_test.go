package promrules

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// testRules are the default rules and one of each kind the export handles,
// plus those it must leave on the agent.
func testRules() []rule.Rule {
	nan := math.NaN()
	return append(rule.Defaults(),
		rule.Rule{Name: "memory_low", Kind: rule.Threshold, Metric: reading.MemAvailable, Below: true, Warning: 1e9, Critical: 2.5e8, For: 2 * time.Minute},
		rule.Rule{Name: "root_filling", Kind: rule.Trend, Metric: reading.FSAvail, Match: []reading.Label{{Name: "mountpoint", Value: "/"}},
			Within: 4 * time.Hour, CriticalWithin: time.Hour, Warning: nan, Critical: nan},
		rule.Rule{Name: "rx_flood", Kind: rule.Rate, Metric: reading.NetRxBytesTotal, Window: 5 * time.Minute, Warning: 1000, Critical: nan},
		rule.Rule{Name: "temperature_gone", Kind: rule.Absent, Sensor: reading.SensorTemperature, For: time.Minute, Warning: nan, Critical: nan},
		rule.Rule{Name: "no_hwmon", Kind: rule.Absent, Metric: reading.TempMax, Severity: reading.Warning, Warning: nan, Critical: nan},
		rule.Rule{Name: "io_pressure", Kind: rule.Threshold, Metric: reading.Pressure,
			Match: []reading.Label{{Name: "resource", Value: "io"}, {Name: "kind", Value: "full"}, {Name: "window", Value: "avg60"}}, Warning: 20, Critical: nan},
		rule.Rule{Name: "sshd_missing", Kind: rule.Process, Check: rule.CheckMissing, Comm: "sshd", Warning: nan, Critical: nan},
		rule.Rule{Name: "threads", Kind: rule.Threshold, Metric: reading.ProcsThreads, Warning: 5000, Critical: nan},
		rule.Rule{Name: "hot_{{ .Name }}", Kind: rule.Threshold, Metric: reading.HwmonTemp, Match: []reading.Label{{Name: "label", Value: "Package id 0"}}, Warning: 80, Critical: nan},
	)
}

func export(t *testing.T, o Options) ([]byte, []Skipped) {
	t.Helper()
	out, skipped, err := Export(testRules(), o)
	if err != nil {
		t.Fatal(err)
	}
	return out, skipped
}

func TestExportGolden(t *testing.T) {
	t.Parallel()
	out, skipped := export(t, Options{})
	golden.Check(t, "testdata/rules.golden.yml", out)
	want := map[string]string{
		"sshd_missing":    "process rule",
		"threads":         "procs.threads has no counterpart",
		"hot_{{ .Name }}": `label "label" has no counterpart`,
	}
	if len(skipped) != len(want) {
		t.Errorf("skipped %d rules, want %d: %+v", len(skipped), len(want), skipped)
	}
	for _, s := range skipped {
		if !strings.Contains(s.Reason, want[s.Rule]) || want[s.Rule] == "" {
			t.Errorf("skipped %q: %q, want a reason with %q", s.Rule, s.Reason, want[s.Rule])
		}
	}
}

func TestExportMatchers(t *testing.T) {
	t.Parallel()
	out, _ := export(t, Options{Matchers: []string{`job="node"`}, Group: "fleet", RateWindow: 2 * time.Minute})
	s := string(out)
	for _, want := range []string{`name: "fleet"`, `node_load1{job=\"node\"}`, `[2m]`, `up{job=\"node\"}`} {
		if !strings.Contains(s, want) {
			t.Errorf("export lacks %s:\n%s", want, s)
		}
	}
	if _, _, err := Export(nil, Options{Matchers: []string{`job=node`}}); err == nil {
		t.Error("a matcher without quotes was accepted")
	}
}

func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus; the test command installs it)")
	}
	return p
}

// TestPromtoolChecksExport: Prometheus' own checker accepts the file.
func TestPromtoolChecksExport(t *testing.T) {
	t.Parallel()
	bin := promtool(t)
	out, _ := export(t, Options{Matchers: []string{`job=~"node|vigia"`}})
	f := filepath.Join(t.TempDir(), "vigia.rules.yml")
	if err := os.WriteFile(f, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "check", "rules", f).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s\n%s", err, b, out)
	}
}

// TestPromtoolFiresExport runs the exported rules over synthetic series in
// promtool's unit tests (testdata/alerts.test.yml): each kind fires at
// the level the local evaluator would, with the local alert's labels and
// annotations, and stays quiet where the local one would.
func TestPromtoolFiresExport(t *testing.T) {
	t.Parallel()
	bin := promtool(t)
	out, _ := export(t, Options{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "vigia.rules.yml"), out, 0o600); err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("testdata/alerts.test.yml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "alerts.test.yml")
	if err := os.WriteFile(f, tests, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "test", "rules", f).CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, b)
	}
}

// TestEveryMetricDecided: a new metric needs a PromQL counterpart in the
// table, or a place here among those that stay on the agent.
func TestEveryMetricDecided(t *testing.T) {
	t.Parallel()
	local := map[string]bool{
		// vigia's own cgroup: no node_exporter series.
		reading.CgroupMemMax: true, reading.CgroupMemCurrent: true, reading.CgroupMemUsedPercent: true,
		reading.CgroupOOMKillsTotal: true, reading.CgroupCPUQuota: true, reading.CgroupCPUUsage: true,
		reading.CgroupThrottledTotal: true, reading.CgroupThrottledSecondsTotal: true, reading.CgroupPressure: true,
		// The cgroups sensor's series reach /metrics as cAdvisor's
		// container_*, labelled id and name, not by the sensor's unit,
		// container and pod: a rule matching those stays on the agent.
		reading.CgroupsCount: true, reading.CgroupsCPUUsage: true, reading.CgroupsCPUSecondsTotal: true,
		reading.CgroupsThrottledTotal: true, reading.CgroupsThrottledSecondsTotal: true, reading.CgroupsMemCurrent: true,
		reading.CgroupsMemWorkingSet: true, reading.CgroupsMemMax: true, reading.CgroupsMemUsedPercent: true,
		reading.CgroupsMemEventsTotal: true, reading.CgroupsOOMKillsTotal: true, reading.CgroupsPids: true,
		reading.CgroupsIOReadBytesTotal: true, reading.CgroupsIOWrittenBytesTotal: true, reading.CgroupsPressure: true,
		reading.CgroupsPressureStalledSecondsTotal: true,
		reading.CgroupsIOReadRate:                  true, reading.CgroupsIOWriteRate: true, reading.CgroupsOmitted: true,
		// Whole-table families node_exporter keeps as one series a field.
		reading.MemInfo: true, reading.MemVMStat: true,
		// Bytes of swap traffic need the page size, which Prometheus lacks.
		reading.SwapIn: true, reading.SwapOut: true,
		reading.LoadRunnable: true, reading.LoadTasks: true,
		reading.HwmonChip:  true,
		reading.ProcsCount: true, reading.ProcsState: true, reading.ProcsThreads: true,
		reading.SelfCPU: true, reading.SelfRSS: true, reading.SelfGoroutines: true, reading.SelfReadSeconds: true,
		reading.SelfQueueLen: true, reading.SelfDropped: true,
	}
	for _, m := range reading.Metrics {
		_, mapped := table[m]
		if m == reading.Pressure || m == reading.PressureStalledSecondsTotal {
			mapped = true
		}
		if mapped == local[m] {
			t.Errorf("metric %s: in the table %v, left on the agent %v: want exactly one", m, mapped, local[m])
		}
	}
}
