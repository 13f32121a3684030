package tui

import (
	"fmt"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

var base = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func lbl(kv ...string) []reading.Label {
	var ls []reading.Label
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, reading.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

func mt(name string, v float64, kv ...string) reading.Metric {
	return reading.Metric{Name: name, Value: v, Labels: lbl(kv...)}
}

func cpuReading(t time.Time, cores int, total float64) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorCPU, Time: t, Primary: reading.CPUUsage, Status: reading.Normal}
	r.Metrics = append(r.Metrics, mt(reading.CPUUsage, total), mt(reading.CPUCores, float64(cores)),
		mt(reading.CPUMode, total*0.7, "mode", "user"), mt(reading.CPUMode, total*0.25, "mode", "system"),
		mt(reading.CPUMode, total*0.05, "mode", "iowait"))
	for i := range cores {
		v := float64((i*37+int(total))%100) + 0.5
		r.Metrics = append(r.Metrics, mt(reading.CPUCoreUsage, v, "cpu", strconv.Itoa(i)))
	}
	return r
}

func memReading(t time.Time, cgroup bool) reading.Reading {
	const gib = 1 << 30
	r := reading.Reading{Sensor: reading.SensorMemory, Time: t, Primary: reading.MemUsedPercent, Status: reading.Normal,
		Metrics: []reading.Metric{
			mt(reading.MemTotal, 64*gib), mt(reading.MemUsed, 40*gib), mt(reading.MemAvailable, 24*gib),
			mt(reading.MemCached, 12*gib), mt(reading.MemUsedPercent, 62.5),
			mt(reading.SwapTotal, 8*gib), mt(reading.SwapUsed, 1*gib), mt(reading.SwapUsedPercent, 12.5),
			mt(reading.SwapIn, 1.25*gib/1024), mt(reading.SwapOut, 0),
		}}
	if cgroup {
		r.Metrics = append(r.Metrics, mt(reading.CgroupMemMax, 4*gib), mt(reading.CgroupMemCurrent, 3.5*gib), mt(reading.CgroupMemUsedPercent, 87.5))
	}
	return r
}

func loadReading(t time.Time) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorLoad, Time: t, Primary: reading.LoadPercent, Status: reading.Warning,
		Metrics: []reading.Metric{mt(reading.Load1, 70.5), mt(reading.Load5, 48.25), mt(reading.Load15, 30),
			mt(reading.LoadPercent, 110.2), mt(reading.LoadRunnable, 71), mt(reading.LoadTasks, 1204)}}
	for _, res := range []string{"cpu", "memory", "io"} {
		for _, kind := range []string{"some", "full"} {
			if res == "cpu" && kind == "full" {
				continue
			}
			for i, win := range []string{"avg10", "avg60", "avg300"} {
				r.Metrics = append(r.Metrics, mt(reading.Pressure, float64(len(res)*(i+1))/2, "kind", kind, "resource", res, "window", win))
			}
		}
	}
	return r
}

func tempReading(t time.Time) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorTemperature, Time: t, Primary: reading.TempMax, Status: reading.Critical}
	add := func(chip, name, sensor, label string, v, max, crit float64) {
		ls := []string{"chip", chip, "chip_name", name, "label", label, "sensor", sensor}
		r.Metrics = append(r.Metrics, mt(reading.HwmonTemp, v, ls...))
		if max > 0 {
			r.Metrics = append(r.Metrics, mt(reading.HwmonTempMax, max, ls...))
		}
		if crit > 0 {
			r.Metrics = append(r.Metrics, mt(reading.HwmonTempCrit, crit, ls...))
		}
	}
	add("hwmon2", "coretemp", "temp1", "Package id 0", 71, 80, 100)
	add("hwmon2", "coretemp", "temp2", "Core 0", 68, 80, 100)
	add("hwmon2", "coretemp", "temp3", "Core 1", 83, 80, 100)
	add("hwmon1", "nvme", "temp1", "Composite", 41.85, 84.85, 89.85)
	add("hwmon0", "acpitz", "temp1", "", 101, 0, 100)
	r.Metrics = append(r.Metrics, mt(reading.TempMax, 101))
	return r
}

func noTempReading(t time.Time) reading.Reading {
	return reading.Reading{Sensor: reading.SensorTemperature, Time: t, Note: "no temperature sensors", Status: reading.Normal}
}

func diskReading(t time.Time) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorDisk, Time: t, Primary: reading.DiskUsedPercent, Status: reading.Warning}
	fs := func(dev, mp string, size, avail, used float64) {
		ls := []string{"device", dev, "fstype", "ext4", "mountpoint", mp}
		r.Metrics = append(r.Metrics, mt(reading.FSSize, size, ls...), mt(reading.FSAvail, avail, ls...), mt(reading.FSUsedPercent, used, ls...))
	}
	fs("/dev/nvme0n1p2", "/", 500e9, 60e9, 88)
	fs("/dev/nvme0n1p1", "/boot/efi", 0.5e9, 0.4e9, 20)
	fs("/dev/sda1", "/srv/a very long mount point name", 4e12, 3e12, 25)
	r.Metrics = append(r.Metrics, mt(reading.FSError, 1, "device", "nas:/export", "fstype", "nfs", "mountpoint", "/mnt/nas"))
	for _, d := range []string{"nvme0n1", "sda"} {
		r.Metrics = append(r.Metrics, mt(reading.DiskReadBytes, 12.5e6, "device", d), mt(reading.DiskWriteBytes, 3e5, "device", d), mt(reading.DiskBusy, 7.5, "device", d))
	}
	r.Metrics = append(r.Metrics, mt(reading.DiskUsedPercent, 88))
	return r
}

func netReading(t time.Time, k int) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorNetwork, Time: t, Primary: reading.NetThroughput, Status: reading.Normal}
	for i, d := range []string{"lo", "eth0", "wlan0"} {
		rx := float64((k*7919+i*104729)%2000) * 1024
		r.Metrics = append(r.Metrics, mt(reading.NetRxBytes, rx, "device", d), mt(reading.NetTxBytes, rx/4, "device", d))
	}
	return r
}

func selfReading(t time.Time) reading.Reading {
	return reading.Reading{Sensor: reading.SensorSelf, Time: t, Primary: reading.SelfCPU, Status: reading.Normal,
		Metrics: []reading.Metric{mt(reading.SelfCPU, 0.8), mt(reading.SelfRSS, 14.2*(1<<20))}}
}

// fixtureProcs is a process table with the names that break naive
// renderers: spaces, wide characters, escape sequences, huge command lines,
// kernel threads and a zombie.
func fixtureProcs() []reading.Process {
	start := base.Add(-3 * time.Hour)
	ps := []reading.Process{
		{PID: 1, PPID: 0, User: "root", State: "S", Comm: "systemd", Cmdline: "/sbin/init splash", CPUPercent: 0.1, CPUTime: 12.5, RSS: 12 << 20, MemPercent: 0.1, Threads: 1, Start: start},
		{PID: 2, PPID: 0, User: "root", State: "S", Comm: "kthreadd", Cmdline: "[kthreadd]", Threads: 1, Start: start},
		{PID: 15, PPID: 2, User: "root", State: "I", Comm: "kworker/0:1-events", Cmdline: "[kworker/0:1-events]", CPUPercent: 0.3, Threads: 1, Start: start},
		{PID: 812, PPID: 1, User: "postgres", State: "S", Comm: "postgres", Cmdline: "/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c config_file=/etc/postgresql/16/main/postgresql.conf", CPUPercent: 12.4, CPUTime: 4000, RSS: 2 << 30, MemPercent: 3.1, Threads: 9, Start: start, ReadRate: 64 << 10, WriteRate: 50 << 20},
		{PID: 900, PPID: 1, User: "www-data", State: "R", Comm: "nginx", Cmdline: "nginx: worker process", CPUPercent: 45.5, CPUTime: 90061, RSS: 80 << 20, MemPercent: 0.12, Threads: 4, Start: start},
		{PID: 1200, PPID: 1, User: "alice", State: "S", Comm: "bash", Cmdline: "-bash", CPUTime: 0.5, RSS: 5 << 20, MemPercent: 0.01, Threads: 1, Start: start},
		{PID: 1201, PPID: 1200, User: "alice", State: "S", Comm: "sleep", Cmdline: "sleep 1000", RSS: 1 << 20, Threads: 1, Start: start},
		{PID: 1202, PPID: 1200, User: "alice", State: "R", Comm: "make", Cmdline: "make -j64 all", CPUPercent: 3, CPUTime: 62.3, RSS: 30 << 20, MemPercent: 0.05, Threads: 1, Start: start},
		{PID: 1203, PPID: 1202, User: "alice", State: "R", Comm: "cc1", Cmdline: "/usr/libexec/gcc/x86_64-linux-gnu/13/cc1 -quiet main.c", CPUPercent: 99.9, CPUTime: 12, RSS: 300 << 20, MemPercent: 0.46, Threads: 1, Start: start},
		{PID: 1204, PPID: 1202, User: "alice", State: "D", Comm: "ld", Cmdline: "/usr/bin/ld -o vigia", CPUPercent: 20, CPUTime: 2, RSS: 900 << 20, MemPercent: 1.4, Threads: 1, Start: start, ReadRate: 3 << 20, WriteRate: 40 << 20},
		{PID: 1300, PPID: 1, User: "bob", State: "S", Comm: "my prog", Cmdline: "/opt/my app/my prog --flag", CPUPercent: 1, RSS: 10 << 20, Threads: 2, Start: start, IOUnknown: true},
		{PID: 1301, PPID: 1, User: "bob", State: "S", Comm: "进程", Cmdline: "/usr/bin/进程 --名字 数据", CPUPercent: 2, RSS: 10 << 20, Threads: 2, Start: start},
		{PID: 1302, PPID: 1, User: "bob", State: "S", Comm: "evil\x1b[31m", Cmdline: "evil\x1b[31m\x07 red\x00arg", CPUPercent: 0.5, RSS: 1 << 20, Threads: 1, Start: start},
		{PID: 1303, PPID: 1, User: "averyveryverylongusername", State: "Z", Comm: "defunct", Cmdline: "", Threads: 1, Start: start},
		{PID: 4194304, PPID: 1, User: "", UID: 100042, State: "T", Comm: "java", Cmdline: "/usr/lib/jvm/java-21/bin/java -Xmx16g -jar /srv/app.jar " + longArgs(), CPUPercent: 250.5, CPUTime: 400000, RSS: 17 << 30, MemPercent: 26.6, Threads: 312, Start: start},
	}
	for i := range 30 {
		ps = append(ps, reading.Process{PID: int32(2000 + i), PPID: 1, User: "daemon", State: "S", Comm: fmt.Sprintf("worker-%02d", i),
			Cmdline: fmt.Sprintf("/usr/sbin/worker --id %d", i), CPUPercent: float64(i%7) / 10, CPUTime: float64(i * 11), RSS: uint64(i+1) << 20, MemPercent: float64(i+1) / 64, Threads: 2, Start: start})
	}
	return ps
}

func longArgs() string {
	s := ""
	for i := range 40 {
		s += fmt.Sprintf("--option-%d=value ", i)
	}
	return s
}

func procReading(t time.Time, ps []reading.Process) reading.Reading {
	return reading.Reading{Sensor: reading.SensorProcesses, Time: t, Primary: reading.ProcsCount, Status: reading.Normal,
		Metrics: []reading.Metric{mt(reading.ProcsCount, float64(len(ps)))}, Processes: ps}
}

// alertReadings open a CPU core alert and a disk alert, and resolve a
// memory one.
func alertReadings(t time.Time) []reading.Reading {
	tr := func(sensor, metric string, ls []reading.Label, from, to reading.Status, v, th float64, at time.Time) reading.Transition {
		return reading.Transition{Rule: metric, Sensor: sensor, Metric: metric, Labels: ls, From: from, To: to, Value: v, Threshold: th, Time: at, Since: at}
	}
	c := cpuReading(t, 64, 41)
	c.Transitions = []reading.Transition{tr(reading.SensorCPU, reading.CPUCoreUsage, lbl("cpu", "3"), reading.Normal, reading.Critical, 40.5, 95, t.Add(-90*time.Second))}
	m := memReading(t, true)
	m.Transitions = []reading.Transition{
		tr(reading.SensorMemory, reading.MemUsedPercent, nil, reading.Normal, reading.Warning, 91, 90, t.Add(-10*time.Minute)),
		tr(reading.SensorMemory, reading.MemUsedPercent, nil, reading.Warning, reading.Normal, 62.5, 90, t.Add(-2*time.Minute)),
	}
	d := diskReading(t)
	d.Transitions = []reading.Transition{tr(reading.SensorDisk, reading.FSUsedPercent, lbl("device", "/dev/nvme0n1p2", "fstype", "ext4", "mountpoint", "/"), reading.Normal, reading.Warning, 88, 85, t.Add(-time.Minute))}
	return []reading.Reading{c, m, d}
}

// machine is a 64-core server with everything: several hwmon chips, a
// cgroup limit, PSI, odd process names and open alerts.
func machine(temps bool) []reading.Reading {
	var rs []reading.Reading
	for i := range 90 {
		t := base.Add(time.Duration(i-90) * time.Second)
		rs = append(rs, cpuReading(t, 64, float64(20+(i*13)%70)), netReading(t, i))
		mem := memReading(t, true)
		mem.Metrics[4].Value = float64(50 + i%20)
		rs = append(rs, mem)
	}
	rs = append(rs, alertReadings(base)...)
	rs = append(rs, loadReading(base), netReading(base, 91), selfReading(base), procReading(base, fixtureProcs()))
	if temps {
		rs = append(rs, tempReading(base))
	} else {
		rs = append(rs, noTempReading(base))
	}
	return rs
}

func newModel(opts Options, rs []reading.Reading, w, h int) *Model {
	opts.Hostname = "db-7"
	m := New(opts, colorprofile.NoTTY)
	m.Update(readingsMsg(rs))
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func configTheme(name string) config.TUI { return config.TUI{Theme: name} }
