package sensor

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var cmlNow = time.Date(2026, 11, 28, 4, 30, 0, 0, time.UTC)

func cpuSample(total procfs.CPUTimes, cores ...procfs.CPUTimes) procfs.Stat {
	s := procfs.Stat{Total: total}
	for i, c := range cores {
		s.Cores = append(s.Cores, procfs.CoreTimes{ID: i, CPUTimes: c})
	}
	return s
}

func cpuCore(id int, t procfs.CPUTimes) procfs.CoreTimes {
	return procfs.CoreTimes{ID: id, CPUTimes: t}
}

// cpuPercents keeps the utilisation metrics of a reading, not the counters.
func cpuPercents(r reading.Reading) map[string]float64 {
	out := cmlValues(r)
	for _, m := range r.Metrics {
		if m.Name == reading.CPUSecondsTotal {
			delete(out, cmlKey(m))
		}
	}
	return out
}

func TestCPUReading(t *testing.T) {
	t.Parallel()
	approx := cmpopts.EquateApprox(0, 1e-9)
	tests := []struct {
		name      string
		prev, cur procfs.Stat
		want      map[string]float64
	}{
		{
			name: "every mode moves",
			// 1000 ticks in all: user 300 (of which guest 100), nice 50,
			// system 150, iowait 50, irq 10, softirq 20, steal 20, idle 400.
			prev: cpuSample(procfs.CPUTimes{}, procfs.CPUTimes{}),
			cur: cpuSample(
				procfs.CPUTimes{User: 300, Nice: 50, System: 150, Idle: 400, IOWait: 50, IRQ: 10, SoftIRQ: 20, Steal: 20, Guest: 100},
				procfs.CPUTimes{User: 300, Nice: 50, System: 150, Idle: 400, IOWait: 50, IRQ: 10, SoftIRQ: 20, Steal: 20, Guest: 100},
			),
			want: map[string]float64{
				"cpu.usage": 55, "cpu.cores": 1, `cpu.core.usage{cpu="0"}`: 55,
				`cpu.mode{mode="user"}`: 30, `cpu.mode{mode="nice"}`: 5, `cpu.mode{mode="system"}`: 15,
				`cpu.mode{mode="iowait"}`: 5, `cpu.mode{mode="irq"}`: 1, `cpu.mode{mode="softirq"}`: 2,
				`cpu.mode{mode="steal"}`: 2, `cpu.mode{mode="idle"}`: 40,
			},
		},
		{
			name: "one busy core of two",
			prev: cpuSample(procfs.CPUTimes{User: 100, Idle: 100}, procfs.CPUTimes{User: 100}, procfs.CPUTimes{Idle: 100}),
			cur:  cpuSample(procfs.CPUTimes{User: 200, Idle: 200}, procfs.CPUTimes{User: 200}, procfs.CPUTimes{Idle: 200}),
			want: map[string]float64{
				"cpu.usage": 50, "cpu.cores": 2, `cpu.core.usage{cpu="0"}`: 100, `cpu.core.usage{cpu="1"}`: 0,
				`cpu.mode{mode="user"}`: 50, `cpu.mode{mode="idle"}`: 50, `cpu.mode{mode="nice"}`: 0,
				`cpu.mode{mode="system"}`: 0, `cpu.mode{mode="iowait"}`: 0, `cpu.mode{mode="irq"}`: 0,
				`cpu.mode{mode="softirq"}`: 0, `cpu.mode{mode="steal"}`: 0,
			},
		},
		{
			name: "iowait steps back on an idle core",
			prev: cpuSample(procfs.CPUTimes{User: 0, Idle: 100, IOWait: 50}, procfs.CPUTimes{Idle: 100, IOWait: 50}),
			cur:  cpuSample(procfs.CPUTimes{User: 50, Idle: 200, IOWait: 40}, procfs.CPUTimes{User: 50, Idle: 200, IOWait: 40}),
			want: map[string]float64{
				// iowait counts as 0; 150 ticks remain: 50 user, 100 idle.
				"cpu.usage": 100.0 / 3, "cpu.cores": 1, `cpu.core.usage{cpu="0"}`: 100.0 / 3,
				`cpu.mode{mode="user"}`: 100.0 / 3, `cpu.mode{mode="idle"}`: 200.0 / 3, `cpu.mode{mode="nice"}`: 0,
				`cpu.mode{mode="system"}`: 0, `cpu.mode{mode="iowait"}`: 0, `cpu.mode{mode="irq"}`: 0,
				`cpu.mode{mode="softirq"}`: 0, `cpu.mode{mode="steal"}`: 0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &CPU{hz: 100, prev: tt.prev, cur: tt.cur}
			r := c.reading(cmlNow)
			if diff := cmp.Diff(tt.want, cpuPercents(r), approx); diff != "" {
				t.Errorf("reading mismatch (-want +got):\n%s", diff)
			}
			if r.Primary != reading.CPUUsage || r.Sensor != reading.SensorCPU || !r.Time.Equal(cmlNow) {
				t.Errorf("reading header = %q %q %v", r.Sensor, r.Primary, r.Time)
			}
			cmlCheckBounds(t, r)
		})
	}
}

func TestCPUCoreGoesOffline(t *testing.T) {
	t.Parallel()
	// cpu2 goes offline; this kernel sums only online cores, so the
	// aggregate line drops. The totals come from cores 0, 1 and 3.
	busy := procfs.CPUTimes{User: 1000, Idle: 1000}
	prev := procfs.Stat{
		Total: procfs.CPUTimes{User: 4000, Idle: 4000},
		Cores: []procfs.CoreTimes{cpuCore(0, busy), cpuCore(1, busy), cpuCore(2, busy), cpuCore(3, busy)},
	}
	later := procfs.CPUTimes{User: 1100, Idle: 1100}
	cur := procfs.Stat{
		Total: procfs.CPUTimes{User: 3300, Idle: 3300},
		Cores: []procfs.CoreTimes{cpuCore(0, later), cpuCore(1, later), cpuCore(3, later)},
	}
	c := &CPU{hz: 100, prev: prev, cur: cur}
	r := c.reading(cmlNow)
	got := cpuPercents(r)
	if got["cpu.usage"] != 50 || got["cpu.cores"] != 3 || got[`cpu.core.usage{cpu="3"}`] != 50 {
		t.Errorf("after cpu2 went offline: %v; want usage 50, 3 cores, cpu3 at 50", got)
	}
	if _, ok := got[`cpu.core.usage{cpu="2"}`]; ok {
		t.Errorf("offline cpu2 still has a usage")
	}
	cmlCheckBounds(t, r)
}

func TestCPUCoreComesOnline(t *testing.T) {
	t.Parallel()
	busy := procfs.CPUTimes{User: 1000, Idle: 1000}
	later := procfs.CPUTimes{User: 1100, Idle: 1100}
	prev := procfs.Stat{Total: procfs.CPUTimes{User: 1000, Idle: 1000}, Cores: []procfs.CoreTimes{cpuCore(0, busy)}}
	cur := procfs.Stat{
		Total: procfs.CPUTimes{User: 1150, Idle: 1150},
		Cores: []procfs.CoreTimes{cpuCore(0, later), cpuCore(5, procfs.CPUTimes{User: 50, Idle: 50})},
	}
	c := &CPU{hz: 100, prev: prev, cur: cur}
	r := c.reading(cmlNow)
	got := cmlValues(r)
	if _, ok := got[`cpu.core.usage{cpu="5"}`]; ok {
		t.Errorf("cpu5, new since the last read, has a usage without a baseline")
	}
	if got["cpu.cores"] != 2 || got[`cpu.seconds_total{cpu="5",mode="user"}`] != 0.5 {
		t.Errorf("cores = %v, cpu5 user seconds = %v; want 2 and 0.5", got["cpu.cores"], got[`cpu.seconds_total{cpu="5",mode="user"}`])
	}
	cmlCheckBounds(t, r)
}

func TestCPUCountersReset(t *testing.T) {
	t.Parallel()
	// Every counter of the machine went back to near zero (a checkpointed
	// container restored elsewhere): no usage at all is better than a wrong
	// one, and nothing may be negative.
	prev := cpuSample(procfs.CPUTimes{User: 1e6, Idle: 1e6}, procfs.CPUTimes{User: 1e6, Idle: 1e6})
	cur := cpuSample(procfs.CPUTimes{User: 10, Idle: 10}, procfs.CPUTimes{User: 10, Idle: 10})
	c := &CPU{hz: 100, prev: prev, cur: cur}
	r := c.reading(cmlNow)
	if _, ok := r.Value(reading.CPUUsage); ok || r.Primary != "" {
		t.Errorf("after a reset the reading has usage %v (primary %q); want none", cmlValues(r)["cpu.usage"], r.Primary)
	}
	cmlCheckBounds(t, r)
}

func TestCPUHugeCounters(t *testing.T) {
	t.Parallel()
	// Counters near 2⁶⁴ would overflow the sum of the modes and make busy
	// time wrap around to a huge number.
	huge := procfs.CPUTimes{User: 1 << 63, System: 1 << 63, Idle: 1 << 62}
	c := &CPU{hz: 100, prev: cpuSample(procfs.CPUTimes{}, procfs.CPUTimes{}), cur: cpuSample(huge, huge)}
	cmlCheckBounds(t, c.reading(cmlNow))
	c.cur = cpuSample(procfs.CPUTimes{User: 10, Idle: 1<<63 + 5}, procfs.CPUTimes{User: 10, Idle: 1<<63 + 5})
	cmlCheckBounds(t, c.reading(cmlNow))
}

// TestCPUNeverOutOfBounds feeds random, often inconsistent, samples: no
// percentage may leave 0–100 and none may be NaN.
func TestCPUNeverOutOfBounds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	times := func() procfs.CPUTimes {
		v := func() uint64 { return rng.Uint64N(1000) }
		return procfs.CPUTimes{User: v(), Nice: v(), System: v(), Idle: v(), IOWait: v(), IRQ: v(), SoftIRQ: v(), Steal: v(), Guest: v(), GuestNice: v()}
	}
	sample := func() procfs.Stat {
		s := procfs.Stat{Total: times()}
		for id := range 4 {
			if rng.IntN(4) > 0 {
				s.Cores = append(s.Cores, procfs.CoreTimes{ID: id, CPUTimes: times()})
			}
		}
		return s
	}
	for range 2000 {
		c := &CPU{hz: 100, prev: sample(), cur: sample()}
		cmlCheckBounds(t, c.reading(cmlNow))
		if t.Failed() {
			t.Fatalf("prev %+v cur %+v", c.prev, c.cur)
		}
	}
}

// FuzzCPUReading parses two arbitrary /proc/stat samples and checks that
// whatever the kernel, or a corrupt file, says, no percentage leaves 0–100.
func FuzzCPUReading(f *testing.F) {
	f.Add([]byte("cpu 1 2 3 4\ncpu0 1 2 3 4\n"), []byte("cpu 2 3 4 5\ncpu0 2 3 4 5\n"))
	f.Add([]byte("cpu 9 9 9 9\ncpu0 9 9 9 9\ncpu1 0 0 0 0\n"), []byte("cpu 1 1 1 1\ncpu1 5 5 5 5\ncpu7 1 1 1 1\n"))
	f.Add([]byte("cpu 0 0 0 0\ncpu0 0 0 0 0\n"), []byte("cpu 9223372036854775808 0 9223372036854775808 1\ncpu0 9223372036854775808 0 9223372036854775808 1\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := &CPU{hz: 100}
		if procfs.ParseStat(a, &c.prev) != nil || procfs.ParseStat(b, &c.cur) != nil {
			return
		}
		cmlCheckBounds(t, c.reading(cmlNow))
	})
}
