package store

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestReport(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(2*time.Hour))
	fs := []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "fstype", Value: "ext4"}, {Name: "mountpoint", Value: "/"}}
	proc := func(pid int32, comm string, cpu float64, rss uint64, start time.Time) reading.Process {
		return reading.Process{PID: pid, Comm: comm, Cmdline: "/bin/" + comm, User: "ana", CPUPercent: cpu, RSS: rss, CPUTime: cpu, Start: start}
	}
	early := base.Add(-time.Hour)
	var in []reading.Reading
	for i := range 60 { // an hour at one reading a minute
		at := base.Add(time.Duration(i) * time.Minute)
		cpu := reading.Reading{Sensor: "cpu", Time: at, Primary: reading.CPUUsage, Status: reading.Normal,
			Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: float64(10 + i%7), Unit: reading.Percent}}}
		if i == 33 {
			cpu.Metrics[0].Value = 97.5
		}
		switch i {
		case 10:
			cpu.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning, Time: at, Since: at}}
		case 20:
			cpu.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Warning, To: reading.Critical, Time: at, Since: at.Add(-10 * time.Minute)}}
		case 25:
			cpu.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Critical, To: reading.Normal, Time: at, Since: at.Add(-15 * time.Minute)}}
		case 50:
			cpu.Transitions = []reading.Transition{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning, Time: at, Since: at}}
		}
		disk := reading.Reading{Sensor: "disk", Time: at, Primary: reading.DiskUsedPercent, Metrics: []reading.Metric{
			{Name: reading.DiskUsedPercent, Value: 50, Unit: reading.Percent},
			{Name: reading.FSSize, Labels: fs, Value: 1000e6, Unit: reading.Bytes},
			{Name: reading.FSFree, Labels: fs, Value: 500e6 - float64(i)*1e6, Unit: reading.Bytes},
		}}
		procs := []reading.Process{proc(1, "init", 0, 10e6, early), proc(2, "db", 50, 900e6, early)}
		if i < 30 {
			procs = append(procs, proc(3, "batch", 100, 200e6+uint64(i)*1e6, early))
		}
		if i >= 40 {
			procs = append(procs, proc(4, "cron", 25, 5e6, base.Add(40*time.Minute)))
		}
		pr := reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount, Processes: procs,
			Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: float64(len(procs))}}}
		in = append(in, cpu, disk, pr)
	}
	record(t, s, in)
	if err := s.Compact(base.Add(2 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Report(base, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := &Report{
		From: base, To: base.Add(time.Hour),
		Peaks: []Peak{
			{Sensor: "cpu", Metric: reading.CPUUsage, Unit: reading.Percent, Max: 97.5, At: base.Add(33 * time.Minute), Mean: (float64(8*(10+11+12+13+14+15+16)+10+11+12+13) - 15 + 97.5) / 60},
			{Sensor: "disk", Metric: reading.DiskUsedPercent, Unit: reading.Percent, Max: 50, At: base, Mean: 50},
			{Sensor: reading.SensorProcesses, Metric: reading.ProcsCount, Max: 3, At: base, Mean: 170.0 / 60},
		},
		Alerts: []AlertTime{{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage, Warning: 20 * time.Minute, Critical: 5 * time.Minute, Raised: 2, Active: reading.Warning}},
		TopCPU: []ProcUsage{
			{PID: 2, Comm: "db", Cmdline: "/bin/db", User: "ana", Start: early, CPUSeconds: 59 * 60 * 0.5, PeakRSS: 900e6},
			{PID: 3, Comm: "batch", Cmdline: "/bin/batch", User: "ana", Start: early, CPUSeconds: 29 * 60, PeakRSS: 229e6},
			{PID: 4, Comm: "cron", Cmdline: "/bin/cron", User: "ana", Start: base.Add(40 * time.Minute), CPUSeconds: 20 * 60 * 0.25, PeakRSS: 5e6},
			{PID: 1, Comm: "init", Cmdline: "/bin/init", User: "ana", Start: early, PeakRSS: 10e6},
		},
		TopMemory: []ProcUsage{
			{PID: 2, Comm: "db", Cmdline: "/bin/db", User: "ana", Start: early, CPUSeconds: 59 * 60 * 0.5, PeakRSS: 900e6},
			{PID: 3, Comm: "batch", Cmdline: "/bin/batch", User: "ana", Start: early, CPUSeconds: 29 * 60, PeakRSS: 229e6},
			{PID: 1, Comm: "init", Cmdline: "/bin/init", User: "ana", Start: early, PeakRSS: 10e6},
			{PID: 4, Comm: "cron", Cmdline: "/bin/cron", User: "ana", Start: base.Add(40 * time.Minute), CPUSeconds: 20 * 60 * 0.25, PeakRSS: 5e6},
		},
		Started:     1,
		Exited:      1,
		StartedList: []ProcLife{{PID: 4, Comm: "cron", Cmdline: "/bin/cron", User: "ana", Start: base.Add(40 * time.Minute), PeakRSS: 5e6, CPUSeconds: 25}},
		ExitedList:  []ProcLife{{PID: 3, Comm: "batch", Cmdline: "/bin/batch", User: "ana", Start: early, End: base.Add(29 * time.Minute), Lifetime: 89 * time.Minute, PeakRSS: 229e6, CPUSeconds: 100}},
		Disks:       []DiskGrowth{{Mountpoint: "/", Device: "/dev/sda1", Size: 1000e6, StartUsed: 500e6, EndUsed: 559e6, Growth: 59e6}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 1e-9), cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("Report mismatch (-want +got):\n%s", diff)
	}
}
