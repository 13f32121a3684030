package rule

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestReplaceKeepsAlerts: a reload that changes a rule's bounds keeps its
// raised alert (no transition at the reload, the same since) and judges the
// next reading by the new bounds; a rule that left the config resolves its
// alert with a message that says so.
func TestReplaceKeepsAlerts(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	cpu := Rule{Name: "cpu_high", Metric: reading.CPUUsage, Warning: 70, Critical: nan}
	mem := Rule{Name: "gone_soon", Metric: reading.CPUUsage, Warning: 50, Critical: nan}
	ev := NewEvaluator([]Rule{cpu, mem})
	_, trs := ev.Eval(cpuReading(0, 80, ""), t0)
	if got := short(trs); !cmp.Equal(got, []string{"normal>warning@70", "normal>warning@50"}) {
		t.Fatalf("raising: %v", got)
	}

	stricter := cpu
	stricter.Warning = 75
	ev, trs = ev.Replace([]Rule{stricter}, t0.Add(time.Second))
	if len(trs) != 1 || trs[0].Rule != "gone_soon" || trs[0].To != reading.Normal || !trs[0].Fact.Retired {
		t.Fatalf("reload: want gone_soon resolved as retired, got %+v", trs)
	}
	if want := "rule gone_soon left the config: cpu.usage is no longer judged (was warning)"; trs[0].Message != want {
		t.Errorf("message %q, want %q", trs[0].Message, want)
	}
	st, trs := ev.Eval(cpuReading(2*time.Second, 80, ""), t0.Add(2*time.Second))
	if st != reading.Warning || len(trs) != 0 {
		t.Errorf("after a reload to warning 75, 80 stays warning with no new transition: %v %v", st, short(trs))
	}

	looser := cpu
	looser.Warning = 90
	ev, trs = ev.Replace([]Rule{looser}, t0.Add(3*time.Second))
	if len(trs) != 0 {
		t.Errorf("a changed bound resolved at the reload: %v", short(trs))
	}
	st, trs = ev.Eval(cpuReading(4*time.Second, 80, ""), t0.Add(4*time.Second))
	if st != reading.Normal || len(trs) != 1 || trs[0].From != reading.Warning || !trs[0].Since.Equal(t0) {
		t.Errorf("80 under the new warning 90: want one warning>normal since t0, got %v %v", st, trs)
	}
}

// TestReplaceOtherSeries: a rule that keeps its name but watches another
// metric is a new rule: its old alert is retired, its new series start
// normal.
func TestReplaceOtherSeries(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	ev := NewEvaluator([]Rule{{Name: "busy", Metric: reading.CPUUsage, Warning: 70, Critical: nan}})
	ev.Eval(cpuReading(0, 80, ""), t0)
	ev, trs := ev.Replace([]Rule{{Name: "busy", Metric: reading.CPUCores, Warning: 2, Critical: nan}}, t0.Add(time.Second))
	if len(trs) != 1 || !trs[0].Fact.Retired || trs[0].Metric != reading.CPUUsage {
		t.Fatalf("want the cpu.usage alert retired, got %+v", trs)
	}
	_, trs = ev.Eval(cpuReading(2*time.Second, 80, ""), t0.Add(2*time.Second))
	if got := short(trs); !cmp.Equal(got, []string{"normal>warning@2"}) {
		t.Errorf("the new series: %v", got)
	}
}

// TestReplaceProcessesAndAbsent: a missing-process alert and an absent
// alert raised before a reload are still raised after it, and the process
// table's per-process alerts carry on under the rules that stay.
func TestReplaceProcessesAndAbsent(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	missing := Rule{Name: "nginx_down", Kind: Process, Check: CheckMissing, Comm: "nginx", Warning: nan, Critical: nan}
	hog := Rule{Name: "hog", Kind: Process, Check: CheckCPU, Cmdline: "^stress", Warning: 50, Critical: nan}
	absent := Rule{Name: "temp_gone", Kind: Absent, Sensor: reading.SensorTemperature, Warning: nan, Critical: nan}
	ev := NewEvaluator([]Rule{missing, hog, absent})
	ps := []reading.Process{proc(1, "systemd", "/sbin/init", 0, 0), proc(77, "stress", "stress --cpu 1", 99, 0)}
	_, trs := ev.Eval(procsReading(t0, ps...), t0)
	_, trs2 := ev.Eval(reading.Reading{Sensor: reading.SensorTemperature, Time: t0, Err: "no sensors"}, t0)
	raised := len(trs) + len(trs2)
	if raised != 3 {
		t.Fatalf("want 3 alerts raised, got %v %v", trace(t0, trs), trace(t0, trs2))
	}
	// Reload with the rules in another order and a new one: every alert stays.
	other := Rule{Name: "sshd_down", Kind: Process, Check: CheckMissing, Comm: "sshd", Cmdline: "^/usr/sbin/sshd", Warning: nan, Critical: nan}
	ev, trs = ev.Replace([]Rule{absent, other, hog, missing}, t0.Add(time.Second))
	if len(trs) != 0 {
		t.Fatalf("reload resolved: %v", trace(t0, trs))
	}
	now := t0.Add(2 * time.Second)
	_, trs = ev.Eval(procsReading(now, ps...), now)
	for _, tr := range trs {
		if tr.Rule != "sshd_down" {
			t.Errorf("after the reload, %s changed: %v", tr.Rule, trace(now, trs))
		}
	}
	// Now without the hog rule: its alert on PID 77 is retired.
	ev, trs = ev.Replace([]Rule{absent, missing}, now)
	var rules []string
	for _, tr := range trs {
		rules = append(rules, tr.Rule)
	}
	if strings.Join(rules, ",") != "sshd_down,hog" {
		t.Errorf("retired %v, want hog (and sshd_down, raised since)", trace(now, trs))
	}
	_, trs = ev.Eval(reading.Reading{Sensor: reading.SensorTemperature, Time: now, Err: "no sensors"}, now)
	if len(trs) != 0 {
		t.Errorf("the absent alert was raised again: %v", trace(now, trs))
	}
}
