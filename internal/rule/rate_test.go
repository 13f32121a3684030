package rule

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

const mib = 1 << 20

func memReading(now time.Time, used float64) reading.Reading {
	return reading.Reading{Sensor: reading.SensorMemory, Time: now, Metrics: []reading.Metric{
		{Name: reading.MemUsed, Unit: reading.Bytes, Value: used},
		{Name: reading.MemUsedPercent, Unit: reading.Percent, Value: 40},
	}}
}

func TestRateSequences(t *testing.T) {
	t.Parallel()
	growth := Rule{Name: "mem_growth", Kind: Rate, Metric: reading.MemUsed, Per: time.Minute, Window: time.Minute,
		Warning: 100 * mib, Critical: 500 * mib}
	tests := []struct {
		name string
		rule Rule
		// used is memory.used in MiB at second i.
		used func(i int) float64
		n    int
		want []string // "second from>to"
	}{
		{"steady 200 MiB/min warns once half the window is seen", growth,
			func(i int) float64 { return 4000 + float64(i)*200/60 }, 90, []string{"30s normal>warning"}},
		// A least-squares slope over the minute answers within seconds of a
		// change but is not thrown by one sample: warning 12 s into a
		// 1000 MiB/min burst, critical when it fills half the window, and
		// the same on the way down.
		{"burst to critical then calm resolves", growth, func(i int) float64 {
			return 4000 + float64(min(max(i-60, 0), 120))*1000/60
		}, 300, []string{"1m12s normal>warning", "1m30s warning>critical", "3m30s critical>warning", "3m48s warning>normal"}},
		{"for holds a short spike back", with(growth, func(r *Rule) { r.For = time.Minute }), func(i int) float64 {
			return 4000 + float64(min(max(i-60, 0), 10))*1000/60
		}, 200, nil},
		{"noise around a flat line does not fire", growth, func(i int) float64 { return 4000 + noise(i)*50 }, 300, nil},
		{"below: shrinking faster than the bound", Rule{Name: "drain", Kind: Rate, Metric: reading.MemUsed, Per: time.Minute,
			Warning: -100 * mib, Below: true, Critical: math.NaN()}, func(i int) float64 { return 4000 - float64(i)*300/60 }, 60, []string{"30s normal>warning"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.rule.Validate(); err != nil {
				t.Fatal(err)
			}
			ev := NewEvaluator([]Rule{tt.rule})
			var got []string
			for i := range tt.n {
				now := t0.Add(time.Duration(i) * time.Second)
				_, trs := ev.Eval(memReading(now, tt.used(i)*mib), now)
				for _, tr := range trs {
					got = append(got, roundDuration(now.Sub(t0))+" "+tr.From.String()+">"+tr.To.String())
					if tr.Message == "" || tr.Sensor != reading.SensorMemory || tr.Metric != reading.MemUsed {
						t.Errorf("bad transition %+v", tr)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("transitions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateMessage(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "mem_growth", Kind: Rate, Metric: reading.MemUsed, Per: time.Minute, Warning: 100 * mib, Critical: math.NaN()}
	ev := NewEvaluator([]Rule{rl})
	var raised reading.Transition
	for i := range 60 {
		now := t0.Add(time.Duration(i) * time.Second)
		_, trs := ev.Eval(memReading(now, 1000*mib+float64(i)*150*mib/60), now)
		if len(trs) > 0 {
			raised = trs[0]
			break
		}
	}
	want := "memory.used is growing 150.0 MiB/min over the last 1m, above the warning bound 100.0 MiB/min"
	if raised.Message != want {
		t.Errorf("message %q, want %q", raised.Message, want)
	}
	if math.Abs(raised.Value-150*mib) > 1 || raised.Threshold != 100*mib {
		t.Errorf("value %v threshold %v, want the rate 150 MiB and the bound 100 MiB", raised.Value, raised.Threshold)
	}
}

// TestRateCounterReset: a counter that resets (a driver reloaded) keeps
// its rate; without undoing the reset the slope would plunge.
func TestRateCounterReset(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "rx_drops", Kind: Rate, Metric: reading.NetRxDropTotal, Warning: 50, Critical: math.NaN(), Below: false}
	ev := NewEvaluator([]Rule{rl})
	v := 0.0
	var got []string
	for i := range 180 {
		now := t0.Add(time.Duration(i) * time.Second)
		v += 100 // drops per second
		if i == 100 {
			v = 3 // reset
		}
		r := reading.Reading{Sensor: reading.SensorNetwork, Time: now, Metrics: []reading.Metric{
			{Name: reading.NetRxDropTotal, Kind: reading.Counter, Value: v, Labels: []reading.Label{{Name: "device", Value: "eth0"}}}}}
		_, trs := ev.Eval(r, now)
		for _, tr := range trs {
			got = append(got, roundDuration(now.Sub(t0))+" "+tr.From.String()+">"+tr.To.String())
		}
	}
	if diff := cmp.Diff([]string{"30s normal>warning"}, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}
