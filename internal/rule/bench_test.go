package rule

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// benchReadings is a full reading set of a busy machine: 16 cores, 10
// filesystems, 6 network devices, 1000 processes.
func benchReadings(now time.Time, i int) []reading.Reading {
	v := float64(i % 100)
	cpu := reading.Reading{Sensor: reading.SensorCPU, Time: now, Primary: reading.CPUUsage}
	cpu.Metrics = append(cpu.Metrics, reading.Metric{Name: reading.CPUUsage, Value: v, Unit: reading.Percent})
	for c := range 16 {
		cpu.Metrics = append(cpu.Metrics, reading.Metric{Name: reading.CPUCoreUsage, Value: v, Unit: reading.Percent,
			Labels: []reading.Label{{Name: "cpu", Value: strconv.Itoa(c)}}})
	}
	for _, m := range []string{"user", "nice", "system", "iowait", "irq", "softirq", "steal", "idle"} {
		cpu.Metrics = append(cpu.Metrics, reading.Metric{Name: reading.CPUMode, Value: v / 8, Unit: reading.Percent,
			Labels: []reading.Label{{Name: "mode", Value: m}}})
	}
	mem := memReading(now, 4*gib+float64(i)*mib)
	mem.Metrics = append(mem.Metrics, reading.Metric{Name: reading.SwapUsedPercent, Value: 3, Unit: reading.Percent})
	load := reading.Reading{Sensor: reading.SensorLoad, Time: now, Metrics: []reading.Metric{
		{Name: reading.LoadPercent, Value: v, Unit: reading.Percent}, {Name: reading.Load1, Value: v / 10}}}
	disk := reading.Reading{Sensor: reading.SensorDisk, Time: now, Metrics: []reading.Metric{{Name: reading.DiskUsedPercent, Value: 50, Unit: reading.Percent}}}
	for f := range 10 {
		ls := []reading.Label{{Name: "device", Value: "/dev/sd" + string(rune('a'+f))}, {Name: "mountpoint", Value: "/mnt/" + strconv.Itoa(f)}}
		disk.Metrics = append(disk.Metrics,
			reading.Metric{Name: reading.FSAvail, Labels: ls, Value: 100*gib - float64(i)*mib, Unit: reading.Bytes},
			reading.Metric{Name: reading.FSUsedPercent, Labels: ls, Value: 40 + float64(i%10)/10, Unit: reading.Percent},
			reading.Metric{Name: reading.DiskWriteBytes, Labels: ls[:1], Value: float64(i%7) * mib, Unit: reading.BytesPerSecond})
	}
	net := reading.Reading{Sensor: reading.SensorNetwork, Time: now}
	for d := range 6 {
		ls := []reading.Label{{Name: "device", Value: "eth" + strconv.Itoa(d)}}
		net.Metrics = append(net.Metrics,
			reading.Metric{Name: reading.NetRxBytes, Labels: ls, Value: float64(i%13) * mib, Unit: reading.BytesPerSecond},
			reading.Metric{Name: reading.NetRxDropTotal, Labels: ls, Value: float64(i), Kind: reading.Counter})
	}
	return []reading.Reading{cpu, mem, load, disk, net}
}

func benchProcs(n int) []reading.Process {
	names := []string{"postgres", "nginx", "java", "python3", "node", "sshd", "bash", "systemd", "chrome", "redis-server"}
	ps := make([]reading.Process, n)
	for i := range ps {
		comm := names[i%len(names)]
		ps[i] = reading.Process{PID: int32(100 + i), Comm: comm, Cmdline: fmt.Sprintf("/usr/bin/%s --worker %d --config /etc/%s.conf", comm, i, comm),
			CPUPercent: float64(i % 50), RSS: uint64(i) * mib, Start: t0.Add(time.Duration(i) * time.Second)}
	}
	return ps
}

// benchRules is 200 rules of every kind: 40 thresholds, 40 trends, 40
// rates, 60 process rules (a sixth matching command lines by regular
// expression), 20 absent rules.
func benchRules() []Rule {
	nan := math.NaN()
	var rs []Rule
	add := func(r Rule) {
		r.Name = fmt.Sprintf("%s_%d", r.Kind, len(rs))
		if r.Kind == "" {
			r.Name = fmt.Sprintf("threshold_%d", len(rs))
		}
		rs = append(rs, r)
	}
	thr := []string{reading.CPUUsage, reading.CPUCoreUsage, reading.MemUsedPercent, reading.LoadPercent, reading.FSUsedPercent, reading.SwapUsedPercent, reading.CPUMode, reading.DiskUsedPercent}
	for i := range 40 {
		add(Rule{Metric: thr[i%len(thr)], Warning: 70 + float64(i%5), Critical: 90, For: time.Duration(i%3) * time.Minute})
	}
	for i := range 40 {
		r := Rule{Kind: Trend, Metric: reading.FSAvail, Within: 4 * time.Hour, CriticalWithin: time.Hour, Window: time.Hour}
		switch i % 4 {
		case 1:
			r.Metric = reading.FSUsedPercent
		case 2:
			r.Match = []reading.Label{{Name: "mountpoint", Value: "/mnt/" + strconv.Itoa(i%10)}}
		case 3:
			r.Metric = reading.MemUsed
		}
		add(r)
	}
	rate := []string{reading.MemUsed, reading.NetRxBytes, reading.NetRxDropTotal, reading.DiskWriteBytes, reading.CPUUsage}
	for i := range 40 {
		add(Rule{Kind: Rate, Metric: rate[i%len(rate)], Per: time.Minute, Warning: 100 * mib, Critical: nan})
	}
	comms := []string{"postgres", "nginx", "java", "python3", "node", "sshd", "bash", "systemd", "chrome", "redis-server"}
	for i := range 60 {
		r := Rule{Kind: Process, Comm: comms[i%len(comms)], Warning: 80, Critical: 95}
		switch i % 6 {
		case 0, 1:
			r.Check = CheckCPU
		case 2:
			r.Check, r.Warning, r.Critical = CheckRSS, 4*gib, nan
		case 3:
			r.Check, r.Per, r.Warning, r.Critical = CheckLeak, time.Hour, 100*mib, nan
		case 4:
			r.Check, r.Warning, r.Critical = CheckMissing, nan, nan
			r.Comm = "daemon" + strconv.Itoa(i)
		case 5:
			r.Check, r.Comm, r.Cmdline = CheckCPU, "", fmt.Sprintf(`--config /etc/%s\.conf$`, comms[i%len(comms)])
		}
		add(r)
	}
	for i := range 20 {
		if i%2 == 0 {
			add(Rule{Kind: Absent, Sensor: reading.Sensors[i/2%7], For: time.Minute})
		} else {
			add(Rule{Kind: Absent, Metric: reading.FSAvail, Match: []reading.Label{{Name: "mountpoint", Value: "/mnt/" + strconv.Itoa(i%10)}}, For: time.Minute})
		}
	}
	return rs
}

// BenchmarkEvalMixedRules is one pass of every sensor's reading, with 1000
// processes, through 200 rules of every kind, in steady state (windows
// full). The budget is 1 ms a pass.
func BenchmarkEvalMixedRules(b *testing.B) {
	rules := benchRules()
	if len(rules) != 200 {
		b.Fatalf("%d rules, want 200", len(rules))
	}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
	}
	ev := NewEvaluator(rules)
	procs := benchProcs(1000)
	now := t0
	pass := func(i int) {
		now = now.Add(time.Second)
		for k := range procs {
			procs[k].CPUPercent = float64((k + i) % 50)
			procs[k].RSS += mib / 64
		}
		for _, r := range benchReadings(now, i) {
			ev.Eval(r, now)
		}
		ev.Eval(procsReading(now, procs...), now)
	}
	for i := range 3600 { // an hour: every window full
		pass(i)
	}
	i := 3600
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		pass(i)
		i++
	}
}

// BenchmarkEvalProcesses is the process table alone: 1000 processes
// through the 60 process rules.
func BenchmarkEvalProcesses(b *testing.B) {
	var rules []Rule
	for _, r := range benchRules() {
		if r.Kind == Process {
			rules = append(rules, r)
		}
	}
	ev := NewEvaluator(rules)
	procs := benchProcs(1000)
	now := t0
	for range 100 {
		now = now.Add(time.Second)
		ev.Eval(procsReading(now, procs...), now)
	}
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		ev.Eval(procsReading(now, procs...), now)
	}
}
