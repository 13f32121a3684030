package rule

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// kindRules builds one valid rule of every new kind from fuzz arguments.
func kindRules(w, c float64, win, within, forSec uint16, pattern string) []Rule {
	fin := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 1
		}
		return v
	}
	w, c = fin(w), fin(c)
	if w > c {
		w, c = c, w
	}
	window := time.Duration(win) * time.Second
	horizon := time.Duration(within)*time.Second + time.Second
	forDur := time.Duration(forSec%600) * time.Second
	rules := []Rule{
		{Name: "trend", Kind: Trend, Metric: reading.FSAvail, Within: horizon, CriticalWithin: horizon / 2, Window: window, For: forDur},
		{Name: "trend_pct", Kind: Trend, Metric: reading.MemUsedPercent, Within: horizon, Window: window},
		{Name: "rate", Kind: Rate, Metric: reading.MemUsed, Warning: w, Critical: c, Window: window, Per: time.Minute, For: forDur},
		{Name: "rate_counter", Kind: Rate, Metric: reading.NetRxDropTotal, Warning: w, Critical: c, Window: window},
		{Name: "cpu", Kind: Process, Check: CheckCPU, Comm: "a", Warning: w, Critical: c, For: forDur},
		{Name: "rss", Kind: Process, Check: CheckRSS, Cmdline: "b", Warning: w, Critical: c},
		{Name: "leak", Kind: Process, Check: CheckLeak, Comm: "a", Warning: w, Critical: c, Window: window, Per: time.Hour},
		{Name: "missing", Kind: Process, Check: CheckMissing, Comm: "b", For: forDur},
		{Name: "absent", Kind: Absent, Sensor: reading.SensorDisk, For: forDur},
		{Name: "absent_metric", Kind: Absent, Metric: reading.MemUsed, For: forDur, Severity: reading.Warning},
	}
	if pattern != "" {
		rules = append(rules, Rule{Name: "pattern", Kind: Process, Check: CheckCPU, Cmdline: pattern, Warning: w, Critical: c})
	}
	return rules
}

// FuzzKinds replays a random history through rules of every kind: each
// 4-byte step picks a sensor, a value, a time step (possibly backwards) and
// what is missing. Nothing may panic, and every transition must be sound.
func FuzzKinds(f *testing.F) {
	f.Add(1.0, 5.0, uint16(60), uint16(3600), uint16(0), "", []byte{0, 10, 1, 0, 1, 200, 2, 0, 2, 50, 3, 1, 3, 0, 0, 2})
	f.Add(-1e9, 1e12, uint16(0), uint16(1), uint16(30), "a|b", []byte{2, 255, 0xff, 0x80, 2, 0, 1, 0})
	f.Add(0.0, 0.0, uint16(1), uint16(0), uint16(599), "(", []byte{1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, w, c float64, win, within, forSec uint16, pattern string, hist []byte) {
		rules := kindRules(w, c, win, within, forSec, pattern)
		var valid []Rule
		for _, r := range rules {
			if r.Validate() == nil {
				valid = append(valid, r)
			} else if r.Name != "pattern" {
				t.Fatalf("kindRules made an invalid rule: %v", r.Validate())
			}
		}
		ev := NewEvaluator(valid)
		now := t0
		for i := 0; i+3 < len(hist); i += 4 {
			sel, val, dt, flags := hist[i], hist[i+1], hist[i+2], hist[i+3]
			step := time.Duration(int8(dt)) * time.Second
			if flags&0x10 != 0 {
				step *= 3600
			}
			now = now.Add(step)
			v := float64(val) * float64(uint64(1)<<(flags&0x0f))
			if flags&0x20 != 0 {
				v = -v
			}
			var r reading.Reading
			switch sel % 4 {
			case 0:
				r = availReading(now, v)
			case 1:
				r = memReading(now, v)
				r.Metrics = append(r.Metrics, reading.Metric{Name: reading.MemUsedPercent, Value: float64(val) / 2.55, Unit: reading.Percent})
			case 2:
				var ps []reading.Process
				for p := range int32(val % 5) {
					comm := string(rune('a' + p%3))
					ps = append(ps, reading.Process{PID: p + int32(sel/4), Comm: comm, Cmdline: strings.Repeat(comm, int(p)), CPUPercent: v, RSS: uint64(val) << (flags & 0x1f), Start: t0})
				}
				r = procsReading(now, ps...)
			case 3:
				r = reading.Reading{Sensor: reading.SensorNetwork, Time: now, Metrics: []reading.Metric{
					{Name: reading.NetRxDropTotal, Kind: reading.Counter, Value: v}}}
			}
			if flags&0x40 != 0 {
				r.Metrics, r.Processes, r.Err = nil, nil, "failed"
			}
			if flags&0x80 != 0 {
				for k := range r.Metrics {
					r.Metrics[k].Value = math.NaN()
				}
			}
			st, trs := ev.Eval(r, now)
			if st > reading.Critical {
				t.Fatalf("status %v out of range", st)
			}
			for _, tr := range trs {
				if tr.From == tr.To || tr.Message == "" || tr.Rule == "" || tr.Sensor == "" {
					t.Fatalf("bad transition %+v", tr)
				}
				if math.IsNaN(tr.Value) || math.IsInf(tr.Value, 0) {
					t.Fatalf("transition value %v cannot be encoded: %+v", tr.Value, tr)
				}
			}
			ev.Tick(now)
		}
	})
}
