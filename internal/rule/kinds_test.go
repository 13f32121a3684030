package rule

import (
	"math"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestValidateKinds(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	bound := math.Inf(1)
	h := time.Hour
	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{"trend", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, Within: 4 * h}, ""},
		{"trend critical only", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, CriticalWithin: h}, ""},
		{"trend no horizon", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail}, `rule "t": a trend rule needs within (warning), critical_within or both, e.g. within: 4h`},
		{"trend negative within", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, Within: -h}, `rule "t": within -1h0m0s is negative`},
		{"trend horizons inverted", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, Within: h, CriticalWithin: 2 * h}, `rule "t": critical_within 2h0m0s is longer than within 1h0m0s`},
		{"trend negative window", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, Within: h, Window: -h}, `rule "t": window -1h0m0s is negative`},
		{"trend infinite bound", Rule{Name: "t", Kind: Trend, Metric: reading.FSAvail, Within: h, Bound: &bound}, `rule "t": bound must be a finite number`},
		{"trend no metric", Rule{Name: "t", Kind: Trend, Within: h}, `rule "t": metric is missing`},
		{"rate", Rule{Name: "r", Kind: Rate, Metric: reading.MemUsed, Warning: 1, Critical: nan, Per: time.Minute}, ""},
		{"rate no bounds", Rule{Name: "r", Kind: Rate, Metric: reading.MemUsed, Warning: nan, Critical: nan}, "rule \"r\": a rate rule needs warning, critical or both (a change per `per`)"},
		{"rate negative per", Rule{Name: "r", Kind: Rate, Metric: reading.MemUsed, Warning: 1, Critical: 2, Per: -time.Second}, `rule "r": per -1s is negative`},
		{"process cpu", Rule{Name: "p", Kind: Process, Check: CheckCPU, Comm: "x", Warning: 80, Critical: nan}, ""},
		{"process missing", Rule{Name: "p", Kind: Process, Check: CheckMissing, Cmdline: "^sshd"}, ""},
		{"process nothing to match", Rule{Name: "p", Kind: Process, Check: CheckMissing}, `rule "p": a process rule needs comm (the command name), cmdline (a regular expression) or both`},
		{"process bad regexp", Rule{Name: "p", Kind: Process, Check: CheckMissing, Cmdline: "a(b"}, "rule \"p\": cmdline \"a(b\" is not a valid regular expression: error parsing regexp: missing closing ): `a(b`"},
		{"process no check", Rule{Name: "p", Kind: Process, Comm: "x"}, `rule "p": a process rule needs check: cpu, rss, leak or missing`},
		{"process unknown check", Rule{Name: "p", Kind: Process, Comm: "x", Check: "io"}, `rule "p": unknown check "io" (cpu, rss, leak, missing)`},
		{"process leak below", Rule{Name: "p", Kind: Process, Comm: "x", Check: CheckLeak, Warning: 1, Critical: nan, Below: true}, `rule "p": a leak rule fires on growth: below does not apply`},
		{"process bad severity", Rule{Name: "p", Kind: Process, Comm: "x", Check: CheckMissing, Severity: reading.Normal}, `rule "p": severity normal must be warning or critical`},
		{"absent sensor", Rule{Name: "a", Kind: Absent, Sensor: reading.SensorDisk}, ""},
		{"absent metric", Rule{Name: "a", Kind: Absent, Metric: reading.FSAvail, Sensor: reading.SensorDisk}, ""},
		{"absent nothing", Rule{Name: "a", Kind: Absent}, `rule "a": an absent rule needs a sensor or a metric to watch`},
		{"absent self", Rule{Name: "a", Kind: Absent, Sensor: reading.SensorSelf}, `rule "a": unknown sensor "self" (cpu, memory, load, temperature, disk, network, processes)`},
		{"absent wrong sensor", Rule{Name: "a", Kind: Absent, Metric: reading.FSAvail, Sensor: reading.SensorCPU}, `rule "a": metric "fs.avail" comes from sensor "disk", not "cpu"`},
		{"absent labels on sensor", Rule{Name: "a", Kind: Absent, Sensor: reading.SensorCPU, Match: []reading.Label{{Name: "x", Value: "y"}}}, `rule "a": labels select series of a metric: an absent rule on a sensor takes none`},
		{"absent negative for", Rule{Name: "a", Kind: Absent, Sensor: reading.SensorCPU, For: -time.Second}, `rule "a": for -1s is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ""
			if err := tt.rule.Validate(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKindsTogether runs one rule of each kind over the same readings: a
// mix must keep each kind's series apart and vanish only what went away.
func TestKindsTogether(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	rules := append(Defaults(),
		Rule{Name: "avail_trend", Kind: Trend, Metric: reading.FSAvail, Within: 4 * time.Hour, Window: 2 * time.Minute},
		Rule{Name: "mem_rate", Kind: Rate, Metric: reading.MemUsed, Per: time.Minute, Warning: 100 * mib, Critical: nan},
		Rule{Name: "sshd", Kind: Process, Check: CheckMissing, Comm: "sshd"},
		Rule{Name: "hog", Kind: Process, Check: CheckCPU, Cmdline: "stress", Warning: 90, Critical: nan},
		Rule{Name: "disk_down", Kind: Absent, Sensor: reading.SensorDisk, For: time.Minute},
	)
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	ev := NewEvaluator(rules)
	if got := len(ev.rules); got != len(rules) {
		t.Fatalf("evaluator kept %d rules of %d", got, len(rules))
	}
	raised := map[string]bool{}
	for i := range 60 {
		now := t0.Add(time.Duration(i) * time.Second)
		for _, r := range []reading.Reading{
			availReading(now, 10*gib-float64(i)*gib/60), // a GiB a minute: 10 min left
			memReading(now, float64(i)*200*mib/60),
			procsReading(now, proc(1, "init", "init", 0, 0), proc(2, "stress", "stress --cpu 1", 100, 0)),
		} {
			_, trs := ev.Eval(r, now)
			for _, tr := range trs {
				if tr.To > tr.From {
					raised[tr.Rule] = true
				}
				if tr.Resolved() {
					t.Errorf("unexpected resolution %+v", tr)
				}
			}
		}
	}
	for _, name := range []string{"avail_trend", "mem_rate", "sshd", "hog"} {
		if !raised[name] {
			t.Errorf("rule %s raised nothing", name)
		}
	}
	if raised["disk_down"] {
		t.Error("disk_down raised while disk reports")
	}
}
