package rule

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestValidate(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	ok := Rule{Name: "cpu_high", Metric: reading.CPUUsage, Warning: 70, Critical: 90}
	with := func(f func(*Rule)) Rule { r := ok; f(&r); return r }
	tests := []struct {
		name string
		rule Rule
		want string // "" for valid
	}{
		{"valid", ok, ""},
		{"only critical", with(func(r *Rule) { r.Warning = nan }), ""},
		{"only warning", with(func(r *Rule) { r.Critical = nan }), ""},
		{"below", Rule{Name: "swap", Metric: reading.MemAvailable, Warning: 20, Critical: 10, Below: true}, ""},
		{"equal bounds", with(func(r *Rule) { r.Warning = 90 }), ""},
		{"threshold kind", with(func(r *Rule) { r.Kind = Threshold }), ""},
		{"no name", with(func(r *Rule) { r.Name = "" }), "rule has no name"},
		{"unknown kind", with(func(r *Rule) { r.Kind = "sigmoid" }), `rule "cpu_high": unknown kind "sigmoid" (threshold, trend, rate, process, absent)`},
		{"no metric", with(func(r *Rule) { r.Metric = "" }), `rule "cpu_high": metric is missing`},
		{"unknown metric", with(func(r *Rule) { r.Metric = "cpu.usge" }), `rule "cpu_high": unknown metric "cpu.usge" (docs/metrics.md lists them)`},
		{"no bounds", with(func(r *Rule) { r.Warning, r.Critical = nan, nan }), `rule "cpu_high": needs warning, critical or both`},
		{"infinite bound", with(func(r *Rule) { r.Critical = math.Inf(1) }), `rule "cpu_high": critical must be a finite number`},
		{"NaN hysteresis", with(func(r *Rule) { r.Hysteresis = &nan }), `rule "cpu_high": hysteresis must be a finite number`},
		{"inverted", with(func(r *Rule) { r.Warning = 95 }), `rule "cpu_high": critical 90 is below warning 95 (set below: true for a rule that fires on low values)`},
		{"inverted below", with(func(r *Rule) { r.Below = true }), `rule "cpu_high": with below: true, critical 90 must be under warning 70`},
		{"negative for", with(func(r *Rule) { r.For = -time.Second }), `rule "cpu_high": for -1s is negative`},
		{"unnamed matcher", with(func(r *Rule) { r.Match = []reading.Label{{Value: "x"}} }), `rule "cpu_high": a label matcher has no name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rule.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	var metrics []string
	for _, r := range Defaults() {
		if err := r.Validate(); err != nil {
			t.Errorf("default rule invalid: %v", err)
		}
		if seen[r.Name] {
			t.Errorf("default rule name %q used twice", r.Name)
		}
		seen[r.Name] = true
		if r.Warning != 70 || r.Critical != 90 || r.Below {
			t.Errorf("default rule %q: warning %g critical %g below %v, want 70, 90, false", r.Name, r.Warning, r.Critical, r.Below)
		}
		metrics = append(metrics, r.Metric)
	}
	want := []string{reading.CPUUsage, reading.MemUsedPercent, reading.LoadPercent, reading.TempMax, reading.DiskUsedPercent, reading.FSUsedPercent}
	if diff := cmp.Diff(want, metrics); diff != "" {
		t.Errorf("default rule metrics mismatch (-want +got):\n%s", diff)
	}
}

// step is one reading in a scripted sequence: at t0+at, value v (NaN for a
// series without a value, or err for a failed reading).
type tick struct {
	at   time.Duration
	v    float64
	err  string
	want reading.Status
	// trs is the expected transitions as "from>to@threshold".
	trs []string
}

func cpuReading(at time.Duration, v float64, err string) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCPU, Time: t0.Add(at), Primary: reading.CPUUsage, Err: err}
	if err == "" {
		r.Metrics = []reading.Metric{
			{Name: reading.CPUCores, Value: 4},
			{Name: reading.CPUUsage, Value: v, Unit: reading.Percent},
		}
	}
	return r
}

func short(trs []reading.Transition) []string {
	var out []string
	for _, t := range trs {
		out = append(out, t.From.String()+">"+t.To.String()+"@"+formatValue(t.Threshold, ""))
	}
	return out
}

func TestEvalSequences(t *testing.T) {
	t.Parallel()
	s := time.Second
	N, W, C, U := reading.Normal, reading.Warning, reading.Critical, reading.Unknown
	base := Rule{Name: "cpu_high", Metric: reading.CPUUsage, Warning: 70, Critical: 90}
	tests := []struct {
		name  string
		rule  Rule
		steps []tick
	}{
		{"raise, hold by hysteresis, resolve, jump to critical, lower", base, []tick{
			{0, 50, "", N, nil},
			{1 * s, 70, "", W, []string{"normal>warning@70"}},
			{2 * s, 68.7, "", W, nil}, // within 2 % (1.4) of 70
			{3 * s, 68.5, "", N, []string{"warning>normal@70"}},
			{4 * s, 95, "", C, []string{"normal>critical@90"}},
			{5 * s, 88.3, "", C, nil}, // within 1.8 of 90
			{6 * s, 88, "", W, []string{"critical>warning@90"}},
			{7 * s, 90, "", C, []string{"warning>critical@90"}},
			{8 * s, 10, "", N, []string{"critical>normal@70"}},
		}},
		{"flapping around the bound does not flap", base, []tick{
			{0, 70.5, "", W, []string{"normal>warning@70"}},
			{1 * s, 69.5, "", W, nil},
			{2 * s, 70.2, "", W, nil},
			{3 * s, 69.1, "", W, nil},
			{4 * s, 70.9, "", W, nil},
		}},
		{"for: pending then raised, broken pending starts over", with(base, func(r *Rule) { r.For = 30 * s }), []tick{
			{0, 75, "", N, nil},
			{10 * s, 60, "", N, nil}, // breaks the pending
			{20 * s, 80, "", N, nil},
			{40 * s, 95, "", N, nil}, // warning met for 20 s, critical for 0 s
			{50 * s, 95, "", W, []string{"normal>warning@70"}},
			{70 * s, 95, "", C, []string{"warning>critical@90"}},
			{71 * s, 50, "", N, []string{"critical>normal@70"}}, // lowering never waits
		}},
		{"below", Rule{Name: "mem_low", Metric: reading.CPUUsage, Warning: 20, Critical: 10, Below: true}, []tick{
			{0, 50, "", N, nil},
			{1 * s, 20, "", W, []string{"normal>warning@20"}},
			{2 * s, 5, "", C, []string{"warning>critical@10"}},
			{3 * s, 10.2, "", C, nil},
			{4 * s, 10.3, "", W, []string{"critical>warning@10"}},
			{5 * s, 25, "", N, []string{"warning>normal@20"}},
		}},
		{"no hysteresis", with(base, func(r *Rule) { r.Hysteresis = new(float64) }), []tick{
			{0, 70, "", W, []string{"normal>warning@70"}},
			{1 * s, 69.99, "", N, []string{"warning>normal@70"}},
		}},
		{"fixed hysteresis", with(base, func(r *Rule) { h := 10.0; r.Hysteresis = &h }), []tick{
			{0, 91, "", C, []string{"normal>critical@90"}},
			{1 * s, 80, "", C, nil},
			{2 * s, 79.9, "", W, []string{"critical>warning@90"}},
			{3 * s, 60, "", W, nil},
			{4 * s, 59, "", N, []string{"warning>normal@70"}},
		}},
		{"only critical", with(base, func(r *Rule) { r.Warning = math.NaN() }), []tick{
			{0, 80, "", N, nil},
			{1 * s, 91, "", C, []string{"normal>critical@90"}},
			{2 * s, 50, "", N, []string{"critical>normal@90"}},
		}},
		{"a failed reading keeps the state", base, []tick{
			{0, 95, "", C, []string{"normal>critical@90"}},
			{1 * s, 0, "read /proc/stat: permission denied", U, nil},
			{2 * s, 95, "", C, nil},
			{3 * s, math.NaN(), "", C, nil},
			{4 * s, 10, "", N, []string{"critical>normal@70"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := NewEvaluator([]Rule{tt.rule})
			for _, st := range tt.steps {
				r := cpuReading(st.at, st.v, st.err)
				got, trs := ev.Eval(r, r.Time)
				if got != st.want {
					t.Errorf("at %v value %g: status %v, want %v", st.at, st.v, got, st.want)
				}
				if diff := cmp.Diff(st.trs, short(trs)); diff != "" {
					t.Errorf("at %v value %g: transitions mismatch (-want +got):\n%s", st.at, st.v, diff)
				}
			}
		})
	}
}

func with(r Rule, f func(*Rule)) Rule { f(&r); return r }

func TestEvalTransitionContents(t *testing.T) {
	t.Parallel()
	ev := NewEvaluator([]Rule{{Name: "cpu_high", Metric: reading.CPUUsage, Warning: 70, Critical: 90, For: 5 * time.Second}})
	base := reading.Transition{Rule: "cpu_high", Sensor: "cpu", Metric: "cpu.usage", Since: t0.Add(5 * time.Second)}
	want := []reading.Transition{
		with2(base, func(t *reading.Transition) {
			t.From, t.To, t.Value, t.Threshold, t.Time = reading.Normal, reading.Warning, 80.25, 70, t0.Add(5*time.Second)
			t.Message = "cpu.usage is 80.2%, above the warning bound 70% for 5s"
			t.Fact = &reading.Fact{Unit: reading.Percent, For: 5 * time.Second}
		}),
		with2(base, func(t *reading.Transition) {
			t.From, t.To, t.Value, t.Threshold, t.Time = reading.Warning, reading.Critical, 93, 90, t0.Add(15*time.Second)
			t.Message = "cpu.usage is 93%, above the critical bound 90% for 5s"
			t.Fact = &reading.Fact{Unit: reading.Percent, For: 5 * time.Second}
		}),
		with2(base, func(t *reading.Transition) {
			t.From, t.To, t.Value, t.Threshold, t.Time = reading.Critical, reading.Normal, 40, 70, t0.Add(20*time.Second)
			t.Message = "cpu.usage is back to normal at 40% (warning bound 70%)"
			t.Fact = &reading.Fact{Unit: reading.Percent, Left: reading.Warning}
		}),
	}
	// The critical bound is met from 10 s on; For makes it count at 15 s.
	var all []reading.Transition
	for _, st := range []struct {
		at time.Duration
		v  float64
	}{{0, 80}, {5 * time.Second, 80.25}, {10 * time.Second, 93}, {15 * time.Second, 93}, {20 * time.Second, 40}} {
		r := cpuReading(st.at, st.v, "")
		_, trs := ev.Eval(r, r.Time)
		all = append(all, trs...)
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
	if !all[2].Resolved() {
		t.Errorf("last transition %+v does not report Resolved", all[2])
	}
}

func with2(t reading.Transition, f func(*reading.Transition)) reading.Transition { f(&t); return t }

func fsReading(at time.Duration, used map[string]float64) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorDisk, Time: t0.Add(at)}
	for i, mp := range []string{"/", "/home", "/srv"} {
		if v, ok := used[mp]; ok {
			r.Metrics = append(r.Metrics, reading.Metric{Name: reading.FSUsedPercent, Unit: reading.Percent, Value: v,
				Labels: []reading.Label{{Name: "device", Value: "/dev/sda" + string(rune('1'+i))}, {Name: "mountpoint", Value: mp}}})
		}
	}
	return r
}

func TestEvalSeriesPerLabelSetAndVanishing(t *testing.T) {
	t.Parallel()
	ev := NewEvaluator(Defaults())
	st, trs := ev.Eval(fsReading(0, map[string]float64{"/": 50, "/home": 95, "/srv": 75}), t0)
	if st != reading.Critical {
		t.Errorf("status %v, want critical (worst series)", st)
	}
	if diff := cmp.Diff([]string{"normal>critical@90", "normal>warning@70"}, short(trs)); diff != "" {
		t.Errorf("first transitions mismatch (-want +got):\n%s", diff)
	}
	if got := trs[0].Labels; got[1].Value != "/home" {
		t.Errorf("first transition labels %v, want /home's", got)
	}
	// /home is unmounted: its alert is resolved, /srv stays.
	st, trs = ev.Eval(fsReading(time.Second, map[string]float64{"/": 50, "/srv": 75}), t0.Add(time.Second))
	if st != reading.Warning {
		t.Errorf("after unmount status %v, want warning", st)
	}
	want := []reading.Transition{{Rule: "filesystem_full", Sensor: "disk", Metric: reading.FSUsedPercent,
		Labels: []reading.Label{{Name: "device", Value: "/dev/sda2"}, {Name: "mountpoint", Value: "/home"}},
		From:   reading.Critical, To: reading.Normal, Value: 95, Threshold: 70, Time: t0.Add(time.Second), Since: t0,
		Message: `fs.used_percent{device="/dev/sda2",mountpoint="/home"} is no longer reported (was critical at 95%)`,
		Fact:    &reading.Fact{Unit: reading.Percent, Left: reading.Warning, Gone: true}}}
	if diff := cmp.Diff(want, trs); diff != "" {
		t.Errorf("vanish transitions mismatch (-want +got):\n%s", diff)
	}
	// Remounted: a fresh series, raised again.
	_, trs = ev.Eval(fsReading(2*time.Second, map[string]float64{"/": 50, "/home": 95, "/srv": 75}), t0.Add(2*time.Second))
	if diff := cmp.Diff([]string{"normal>critical@90"}, short(trs)); diff != "" {
		t.Errorf("remount transitions mismatch (-want +got):\n%s", diff)
	}
	// Another sensor's reading never resolves the disk's series.
	_, trs = ev.Eval(cpuReading(3*time.Second, 10, ""), t0.Add(3*time.Second))
	if len(trs) != 0 {
		t.Errorf("cpu reading caused transitions %v", short(trs))
	}
}

func TestEvalMatch(t *testing.T) {
	t.Parallel()
	ev := NewEvaluator([]Rule{{Name: "root_full", Metric: reading.FSUsedPercent, Warning: 80, Critical: 95,
		Match: []reading.Label{{Name: "mountpoint", Value: "/"}}}})
	st, trs := ev.Eval(fsReading(0, map[string]float64{"/": 85, "/home": 99}), t0)
	if st != reading.Warning || len(trs) != 1 || trs[0].Labels[1].Value != "/" {
		t.Errorf("Eval = %v, %v; want warning on / only", st, short(trs))
	}
}

func TestEvalNoRuleApplies(t *testing.T) {
	t.Parallel()
	ev := NewEvaluator(Defaults())
	r := reading.Reading{Sensor: reading.SensorNetwork, Time: t0, Metrics: []reading.Metric{{Name: reading.NetThroughput, Value: 1e9}}}
	if st, trs := ev.Eval(r, t0); st != reading.Normal || trs != nil {
		t.Errorf("Eval = %v, %v; want normal, none", st, trs)
	}
	if st, _ := ev.Eval(reading.Reading{Sensor: "x", Err: "boom"}, t0); st != reading.Unknown {
		t.Errorf("Eval of a failed reading = %v, want unknown", st)
	}
}

func TestNewEvaluatorSkipsInvalidRules(t *testing.T) {
	t.Parallel()
	ev := NewEvaluator([]Rule{{Name: "bad", Metric: "nope", Warning: 1, Critical: 2}, Defaults()[0]})
	if got := len(ev.rules); got != 1 {
		t.Errorf("%d rules kept, want 1", got)
	}
}

func TestEvalSteadyStateDoesNotAllocate(t *testing.T) {
	ev := NewEvaluator(Defaults())
	r := fsReading(0, map[string]float64{"/": 50, "/home": 60, "/srv": 65})
	ev.Eval(r, t0)
	allocs := testing.AllocsPerRun(100, func() { ev.Eval(r, t0) })
	if allocs != 0 {
		t.Errorf("Eval of a steady reading allocates %v times, want 0", allocs)
	}
}

func BenchmarkEval(b *testing.B) {
	ev := NewEvaluator(Defaults())
	r := fsReading(0, map[string]float64{"/": 50, "/home": 60, "/srv": 65})
	for b.Loop() {
		ev.Eval(r, t0)
	}
}
