package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestParseRuleFlag: every key of every rule kind is read from --rule as
// the file reads it, and a bad one is said in the file's words.
func TestParseRuleFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     Rule
		err      string
	}{
		{name: "threshold", in: "name=hot,metric=cpu.usage,labels.cpu=total,warning=70,critical=90,below=false,for=30s,hysteresis=5",
			want: Rule{Name: "hot", Metric: "cpu.usage", Labels: map[string]string{"cpu": "total"}, Warning: ptr(70.0), Critical: ptr(90.0),
				For: 30 * time.Second, Hysteresis: ptr(5.0)}},
		{name: "below", in: "metric=memory.available, below=true, warning=1e9",
			want: Rule{Metric: "memory.available", Below: true, Warning: ptr(1e9)}},
		{name: "trend", in: "kind=trend,metric=fs.avail,labels.mountpoint=/,window=1h,within=4h,critical_within=1h,bound=1073741824",
			want: Rule{Kind: "trend", Metric: "fs.avail", Labels: map[string]string{"mountpoint": "/"}, Window: time.Hour,
				Within: 4 * time.Hour, CriticalWithin: time.Hour, Bound: ptr(float64(1 << 30))}},
		{name: "rate", in: "kind=rate,metric=memory.used,per=1m,warning=100",
			want: Rule{Kind: "rate", Metric: "memory.used", Per: time.Minute, Warning: ptr(100.0)}},
		{name: "process missing", in: "kind=process,check=missing,comm=nginx,severity=warning,for=30s",
			want: Rule{Kind: "process", Check: "missing", Comm: "nginx", Severity: "warning", For: 30 * time.Second}},
		{name: "process leak", in: `kind=process,check=leak,cmdline=java .*app\.jar,window=2h,per=1h,critical=5`,
			want: Rule{Kind: "process", Check: "leak", Cmdline: `java .*app\.jar`, Window: 2 * time.Hour, Per: time.Hour, Critical: ptr(5.0)}},
		{name: "absent", in: "kind=absent,sensor=disk,for=2m",
			want: Rule{Kind: "absent", Sensor: "disk", For: 2 * time.Minute}},
		// A value in single quotes holds commas; two quotes are one.
		{name: "quoted comma", in: `kind=process,check=missing,cmdline='sh -c a,b''c' ,severity=critical`,
			want: Rule{Kind: "process", Check: "missing", Cmdline: "sh -c a,b'c", Severity: "critical"}},
		{name: "quoted label", in: "metric=net.rx_bytes,warning=1,labels.x='1,2'",
			want: Rule{Metric: "net.rx_bytes", Warning: ptr(1.0), Labels: map[string]string{"x": "1,2"}}},
		{name: "number as text", in: "name=42,metric=cpu.usage,warning=1", want: Rule{Name: "42", Metric: "cpu.usage", Warning: ptr(1.0)}},

		{name: "bad duration", in: "metric=cpu.usage,warning=1,for=forever", err: `--rule: rule 3: for: "forever" is not a duration (write it like 30s, 5m or 4h)`},
		{name: "long bad duration", in: "kind=trend,metric=fs.avail,within=one fortnight", err: `--rule: rule 3: within: "one fortnight" is not a duration (write it like 30s, 5m or 4h)`},
		{name: "bad number", in: "metric=cpu.usage,warning=lots", err: `--rule: rule 3: warning: "lots" is not a number`},
		{name: "quoted number", in: "metric=cpu.usage,warning='1'", err: `--rule: rule 3: warning: "1" is not a number`},
		{name: "bad boolean", in: "metric=cpu.usage,warning=1,below=maybe", err: `--rule: rule 3: below: "maybe" is not true or false`},
		{name: "two bad values", in: "metric=cpu.usage,warning=x,critical=y", err: "--rule: rule 3: warning: \"x\" is not a number\n--rule: rule 3: critical: \"y\" is not a number"},
		{name: "unknown key", in: "colour=red", err: `--rule: rule 3: unknown key "colour" (keys: below, bound, check, cmdline, comm, critical, critical_within, for, hysteresis, kind, labels.NAME, metric, name, per, sensor, severity, warning, window, within)`},
		{name: "labels alone", in: "labels=x", err: `--rule: rule 3: unknown key "labels" (keys:`},
		{name: "label without name", in: "labels.=x", err: `--rule: rule 3: unknown key "labels." (keys:`},
		{name: "dotted scalar key", in: "metric.x=1", err: `--rule: rule 3: unknown key "metric.x" (keys:`},
		{name: "twice", in: "metric=cpu.usage,warning=1,warning=2", err: "--rule: rule 3: warning given twice"},
		{name: "no equals", in: "metric", err: `--rule: rule 3: "metric": want key=value`},
		{name: "trailing comma", in: "metric=cpu.usage,warning=1,", err: `--rule: rule 3: "": want key=value`},
		{name: "open quote", in: "comm='nginx", err: "--rule: rule 3: comm: the quote is not closed"},
		{name: "text after quote", in: "comm='a'b", err: `--rule: rule 3: comm: "b" after the closing quote`},
		{name: "validated", in: "metric=nope,warning=1", err: `--rule: rule 3: unknown metric "nope"`},
		{name: "validated named", in: "name=x,kind=rate,metric=cpu.usage,bound=5,warning=1", err: `--rule: rule "x": bound does not apply to a rate rule`},
		{name: "limits", in: "metric=cpu.usage,warning=1,for=2000000h", err: "--rule: rule 3: for: 2000000h is too long (at most 168h)"},
	}
	for _, tt := range tests {
		got, err := ParseRuleFlag(tt.in, 3)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("%s: ParseRuleFlag(%q) error = %v, want %s", tt.name, tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ParseRuleFlag(%q): %v", tt.name, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: ParseRuleFlag(%q) (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

// TestRuleFlagKeysAreRules: every key --rule lists is one it reads, so the
// list cannot name a key the rule does not have.
func TestRuleFlagKeysAreRules(t *testing.T) {
	t.Parallel()
	for _, k := range RuleFlagKeys() {
		k = strings.Replace(k, ".NAME", ".x", 1)
		if _, err := ParseRuleFlag(k+"=1", 1); err != nil && strings.Contains(err.Error(), "unknown key") {
			t.Errorf("key %s: %v", k, err)
		}
	}
}

func FuzzParseRuleFlag(f *testing.F) {
	for _, s := range []string{"metric=cpu.usage,warning=70", "kind=process,cmdline='a,b''c',check=missing", "labels.x=1,for=1x", "a", "x='", "warning=.nan"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRuleFlag(s, 1)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--rule: rule ") {
				t.Errorf("ParseRuleFlag(%q) error %q does not name the flag and rule", s, err)
			}
			return
		}
		if err := ValidateRule(r, "--rule", 1); err != nil {
			t.Errorf("ParseRuleFlag(%q) gave a rule that does not validate: %v", s, err)
		}
	})
}
