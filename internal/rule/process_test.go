package rule

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

func proc(pid int32, comm, cmdline string, cpu float64, rss uint64) reading.Process {
	return reading.Process{PID: pid, Comm: comm, Cmdline: cmdline, CPUPercent: cpu, RSS: rss,
		Start: t0.Add(-time.Duration(pid) * time.Second)}
}

func procsReading(now time.Time, ps ...reading.Process) reading.Reading {
	return reading.Reading{Sensor: reading.SensorProcesses, Time: now, Processes: ps,
		Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: float64(len(ps))}}}
}

// trace formats transitions for comparison: "at from>to labels: message".
func trace(now time.Time, trs []reading.Transition) []string {
	var out []string
	for _, tr := range trs {
		var ls []string
		for _, l := range tr.Labels {
			ls = append(ls, l.Name+"="+l.Value)
		}
		out = append(out, roundDuration(now.Sub(t0))+" "+tr.From.String()+">"+tr.To.String()+" "+strings.Join(ls, ",")+": "+tr.Message)
	}
	return out
}

func TestProcessMissing(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "nginx_down", Kind: Process, Check: CheckMissing, Comm: "nginx", For: 30 * time.Second}
	ev := NewEvaluator([]Rule{rl})
	nginx := []reading.Process{proc(1, "systemd", "/sbin/init", 0, 0), proc(900, "nginx", "nginx: master", 0, 0), proc(901, "nginx", "nginx: worker", 0, 0)}
	steps := []struct {
		at    time.Duration
		procs []reading.Process
	}{
		{0, nginx},
		{10 * time.Second, nginx[:1]}, // gone: pending
		{20 * time.Second, nginx},     // back: pending broken
		{30 * time.Second, nginx[:1]}, // gone again
		{50 * time.Second, nginx[:1]}, // 20 s: still pending
		{60 * time.Second, nginx[:1]}, // 30 s: raised
		{70 * time.Second, []reading.Process{nginx[0], proc(1200, "nginx", "nginx", 0, 0)}}, // restarted
	}
	var got []string
	var status []reading.Status
	for _, s := range steps {
		now := t0.Add(s.at)
		st, trs := ev.Eval(procsReading(now, s.procs...), now)
		status = append(status, st)
		got = append(got, trace(now, trs)...)
	}
	want := []string{
		`1m normal>critical comm=nginx: no process named "nginx" is running (for 30s)`,
		`1m10s critical>normal comm=nginx: a process named "nginx" is running again (pid 1200)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
	N, C := reading.Normal, reading.Critical
	if diff := cmp.Diff([]reading.Status{N, N, N, N, N, C, N}, status); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
}

func TestProcessCPUForDuration(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "hog", Kind: Process, Check: CheckCPU, Cmdline: `^python3? .*train\.py`, Warning: 80, Critical: 180, For: time.Minute}
	ev := NewEvaluator([]Rule{rl})
	cpu := func(i int) float64 {
		switch {
		case i < 3:
			return 10
		case i < 10:
			return 95
		}
		return 20
	}
	var got []string
	for i := range 12 {
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		_, trs := ev.Eval(procsReading(now,
			proc(10, "python3", "python3 /srv/train.py --epochs 9", cpu(i), 1<<30),
			proc(11, "python3", "python3 /srv/serve.py", 99, 1<<30), // not matched
			proc(12, "bash", "bash", 100, 1<<20),
		), now)
		got = append(got, trace(now, trs)...)
	}
	want := []string{
		"1m30s normal>warning comm=python3,pid=10: process python3 (pid 10) uses 95% CPU, above the warning bound 80% for 1m0s",
		"1m40s warning>normal comm=python3,pid=10: process python3 (pid 10) uses 20% CPU, back to normal (warning bound 80%)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}

func TestProcessExitAndPIDReuse(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "big", Kind: Process, Check: CheckRSS, Comm: "java", Warning: 2 * gib, Critical: math.NaN()}
	ev := NewEvaluator([]Rule{rl})
	java := proc(50, "java", "java -jar app.jar", 0, 3*gib)
	var got []string
	now := t0
	_, trs := ev.Eval(procsReading(now, java), now)
	got = append(got, trace(now, trs)...)
	// The PID is reused by a new, small java: the old one's alert ends as an
	// exit, the new one is judged on its own.
	now = now.Add(time.Second)
	reused := java
	reused.Start, reused.RSS = now, gib
	_, trs = ev.Eval(procsReading(now, reused), now)
	got = append(got, trace(now, trs)...)
	want := []string{
		"0s normal>warning comm=java,pid=50: process java (pid 50) uses 3.0 GiB of memory, above the warning bound 2.0 GiB",
		"1s warning>normal comm=java,pid=50: process java (pid 50) has exited (was warning)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}

func TestProcessLeak(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "leak", Kind: Process, Check: CheckLeak, Comm: "app", Window: 30 * time.Minute, Per: time.Hour,
		Warning: 50 * mib, Critical: math.NaN()}
	tests := []struct {
		name string
		rss  func(i int) float64 // MiB at minute i
		want []string
	}{
		// 100 MiB/h: steady growth, warned once half the window is seen.
		{"steady growth", func(i int) float64 { return 500 + float64(i)*100/60 + noise(i)*0.2 }, []string{"15m normal>warning"}},
		// A garbage collector's saw-tooth around a flat line.
		{"saw-tooth", func(i int) float64 { return 500 + float64(i%10)*20 }, nil},
		// Warming up for 5 minutes then flat: a step, not a leak.
		{"warm-up then flat", func(i int) float64 { return 300 + float64(min(i, 5))*60 }, nil},
		// A leak under a garbage collector's saw-tooth: the troughs rise.
		{"leak under a saw-tooth", func(i int) float64 { return 500 + float64(i)*150/60 + float64(i%10)*20 }, []string{"21m normal>warning"}},
		// Growth that stops: resolved once the window's slope falls.
		{"leak fixed by a restart of the cache", func(i int) float64 {
			if i < 40 {
				return 500 + float64(i)*200/60
			}
			return 500 + 40*200/60
		}, []string{"15m normal>warning", "1h warning>normal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := NewEvaluator([]Rule{rl})
			var got []string
			for i := range 90 {
				now := t0.Add(time.Duration(i) * time.Minute)
				_, trs := ev.Eval(procsReading(now, proc(7, "app", "app", 1, uint64(tt.rss(i)*mib))), now)
				for _, tr := range trs {
					got = append(got, roundDuration(now.Sub(t0))+" "+tr.From.String()+">"+tr.To.String())
					if tr.Labels[1].Value != "7" || !strings.Contains(tr.Message, "process app (pid 7)") {
						t.Errorf("transition does not name the process: %+v", tr)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("transitions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProcessLeakMessage(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "leak", Kind: Process, Check: CheckLeak, Comm: "app", Window: 30 * time.Minute, Per: time.Hour,
		Warning: 50 * mib, Critical: math.NaN()}
	ev := NewEvaluator([]Rule{rl})
	for i := range 30 {
		now := t0.Add(time.Duration(i) * time.Minute)
		_, trs := ev.Eval(procsReading(now, proc(7, "app", "app", 1, uint64(500+i*2)*mib)), now)
		if len(trs) > 0 {
			want := "process app (pid 7) RSS grew from 500.0 MiB to 530.0 MiB over 15m (120.0 MiB/h), above the warning bound 50.0 MiB/h"
			if trs[0].Message != want {
				t.Errorf("message\n%q, want\n%q", trs[0].Message, want)
			}
			return
		}
	}
	t.Error("a steady leak of 120 MiB/h raised nothing")
}

func TestProcessLongCommTruncated(t *testing.T) {
	t.Parallel()
	// The kernel keeps 15 bytes of a command name.
	rl := Rule{Name: "agent_down", Kind: Process, Check: CheckMissing, Comm: "prometheus-node-exporter"}
	ev := NewEvaluator([]Rule{rl})
	now := t0
	st, trs := ev.Eval(procsReading(now, proc(3, "prometheus-node", "/usr/bin/prometheus-node-exporter", 0, 0)), now)
	if st != reading.Normal || len(trs) != 0 {
		t.Errorf("status %v transitions %v, want normal and none", st, trs)
	}
}

// TestProcessTransitionsNameTheirMetric checks that a process rule's
// transitions say which series they watch: an alert body with "metric": ""
// tells its reader nothing.
func TestProcessTransitionsNameTheirMetric(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule Rule
		rss  func(i int) uint64
		want string
	}{
		{Rule{Name: "hog", Kind: Process, Check: CheckCPU, Comm: "app", Warning: 50, Critical: math.NaN()}, nil, MetricProcessCPU},
		{Rule{Name: "fat", Kind: Process, Check: CheckRSS, Comm: "app", Warning: mib, Critical: math.NaN()}, nil, MetricProcessRSS},
		{Rule{Name: "leak", Kind: Process, Check: CheckLeak, Comm: "app", Window: 30 * time.Minute, Per: time.Hour, Warning: 50 * mib, Critical: math.NaN()},
			func(i int) uint64 { return uint64(500+i*2) * mib }, MetricProcessRSS},
		{Rule{Name: "gone", Kind: Process, Check: CheckMissing, Comm: "sshd"}, nil, MetricProcessMatching},
	}
	for _, tt := range tests {
		ev := NewEvaluator([]Rule{tt.rule})
		var got []string
		for i := range 40 {
			now := t0.Add(time.Duration(i) * time.Minute)
			rss := uint64(100 * mib)
			if tt.rss != nil {
				rss = tt.rss(i)
			}
			_, trs := ev.Eval(procsReading(now, proc(10, "app", "app", 90, rss)), now)
			for _, tr := range trs {
				got = append(got, tr.Metric)
			}
		}
		if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
			t.Errorf("rule %s: transitions' metrics mismatch (-want +got):\n%s", tt.rule.Name, diff)
		}
	}
}
