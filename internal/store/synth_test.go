package store

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// machine makes synthetic readings shaped like those of a busy 8-core
// server at the engine's default cadence (cpu 1.5 s, temperature 1.8 s,
// others 2 s): noisy percentages and rates, counters that grow, constants,
// and a process table of nprocs with a little churn.
type machine struct {
	rng      *rand.Rand
	cores    int
	nprocs   int
	counters map[string]float64
	procs    []reading.Process
	nextPID  int32
	cgroups  int // groups of the cgroups sensor; 0: no such sensor
	next     map[string]time.Time
	cadence  map[string]time.Duration
}

// cadences are the engine's default intervals: every sensor every 2 s.
func cadences() map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, name := range []string{reading.SensorCPU, reading.SensorMemory, reading.SensorLoad, reading.SensorTemperature,
		reading.SensorDisk, reading.SensorNetwork, reading.SensorProcesses, reading.SensorSelf} {
		m[name] = 2 * time.Second
	}
	return m
}

func newMachine(seed uint64, nprocs int, start time.Time) *machine {
	m := &machine{rng: rand.New(rand.NewPCG(seed, 1)), cores: 8, nprocs: nprocs, counters: map[string]float64{}, next: map[string]time.Time{}, nextPID: 1000, cadence: cadences()}
	for s := range m.cadence {
		m.next[s] = start
	}
	for range nprocs {
		m.procs = append(m.procs, m.newProc(start.Add(-time.Hour)))
	}
	return m
}

func (m *machine) newProc(t time.Time) reading.Process {
	m.nextPID++
	n := m.rng.IntN(40)
	return reading.Process{PID: m.nextPID, PPID: 1, UID: 1000, User: "user" + strconv.Itoa(n%5), State: "S",
		Comm: "worker" + strconv.Itoa(n), Cmdline: "/usr/bin/worker" + strconv.Itoa(n) + " --serve --port " + strconv.Itoa(8000+n),
		RSS: uint64(1+m.rng.IntN(50000)) * 4096, Threads: 1, Start: t.Truncate(10 * time.Millisecond)}
}

// until returns every reading due up to t, in time order.
func (m *machine) until(t time.Time) []reading.Reading {
	var out []reading.Reading
	for {
		sensor, at := "", t
		for s, n := range m.next {
			if !n.After(at) && (sensor == "" || n.Before(at) || (n.Equal(at) && s < sensor)) {
				sensor, at = s, n
			}
		}
		if sensor == "" {
			return out
		}
		out = append(out, m.read(sensor, at))
		m.next[sensor] = at.Add(m.cadence[sensor] + time.Duration(m.rng.IntN(3))*time.Millisecond)
	}
}

func (m *machine) noisy(base, spread float64) float64 {
	return math.Max(0, base+spread*(m.rng.Float64()-0.5))
}

func (m *machine) count(key string, inc float64) float64 {
	m.counters[key] += inc
	return m.counters[key]
}

func l(kv ...string) []reading.Label {
	var ls []reading.Label
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, reading.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

func (m *machine) read(sensor string, t time.Time) reading.Reading {
	r := reading.Reading{Sensor: sensor, Time: t, Status: reading.Normal}
	add := func(name string, v float64, u reading.Unit, labels ...string) {
		r.Metrics = append(r.Metrics, reading.Metric{Name: name, Labels: l(labels...), Value: v, Unit: u})
	}
	ctr := func(name string, inc float64, u reading.Unit, labels ...string) {
		v := m.count(name+fmt.Sprint(labels), inc)
		r.Metrics = append(r.Metrics, reading.Metric{Name: name, Labels: l(labels...), Value: v, Unit: u, Kind: reading.Counter})
	}
	modes := []string{"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"}
	switch sensor {
	case reading.SensorCPU:
		r.Primary = reading.CPUUsage
		add(reading.CPUUsage, m.noisy(45, 30), reading.Percent)
		for _, md := range modes {
			add(reading.CPUMode, m.noisy(12, 10), reading.Percent, "mode", md)
		}
		add(reading.CPUCores, float64(m.cores), reading.None)
		for c := range m.cores {
			add(reading.CPUCoreUsage, m.noisy(45, 60), reading.Percent, "cpu", strconv.Itoa(c))
			for i, md := range modes {
				inc := 0.0
				if i < 5 {
					inc = float64(m.rng.IntN(100)) / 100 // USER_HZ ticks
				}
				ctr(reading.CPUSecondsTotal, inc, reading.Seconds, "cpu", strconv.Itoa(c), "mode", md)
			}
		}
	case reading.SensorMemory:
		r.Primary = reading.MemUsedPercent
		total := 32e9
		avail := float64(int64(m.noisy(12e9, 2e9)) / 4096 * 4096)
		add(reading.MemTotal, total, reading.Bytes)
		add(reading.MemAvailable, avail, reading.Bytes)
		add(reading.MemUsed, total-avail, reading.Bytes)
		add(reading.MemFree, avail/3, reading.Bytes)
		add(reading.MemBuffers, 4096*float64(100000+m.rng.IntN(10)), reading.Bytes)
		add(reading.MemCached, avail/2, reading.Bytes)
		add(reading.MemUsedPercent, (total-avail)/total*100, reading.Percent)
		add(reading.SwapTotal, 8e9, reading.Bytes)
		add(reading.SwapUsed, 1e8, reading.Bytes)
		add(reading.SwapUsedPercent, 1.25, reading.Percent)
		for i := range 50 {
			v := 4096.0 * float64(1000*i)
			if i%4 == 0 {
				v += 4096 * float64(m.rng.IntN(1000))
			}
			add(reading.MemInfo, v, reading.Bytes, "field", "Field"+strconv.Itoa(i))
		}
	case reading.SensorLoad:
		r.Primary = reading.LoadPercent
		l1 := m.noisy(4, 2)
		add(reading.LoadPercent, l1/8*100, reading.Percent)
		add(reading.Load1, math.Round(l1*100)/100, reading.None)
		add(reading.Load5, 4.01, reading.None)
		add(reading.Load15, 3.98, reading.None)
		add(reading.LoadRunnable, float64(m.rng.IntN(10)), reading.None)
		add(reading.LoadTasks, float64(m.nprocs+100), reading.None)
		for _, res := range []string{"cpu", "memory", "io"} {
			for _, k := range []string{"some", "full"} {
				for _, w := range []string{"avg10", "avg60", "avg300"} {
					add(reading.Pressure, float64(m.rng.IntN(2000))/100, reading.Percent, "resource", res, "kind", k, "window", w)
				}
				ctr(reading.PressureStalledSecondsTotal, float64(m.rng.IntN(200000))/1e6, reading.Seconds, "resource", res, "kind", k)
			}
		}
	case reading.SensorTemperature:
		r.Primary = reading.TempMax
		add(reading.TempMax, 50+float64(m.rng.IntN(20)), reading.Celsius)
		for i := range 8 {
			add(reading.HwmonTemp, 45+float64(m.rng.IntN(20)), reading.Celsius, "chip", "coretemp", "chip_name", "coretemp", "label", "Core "+strconv.Itoa(i), "sensor", "temp"+strconv.Itoa(i))
		}
	case reading.SensorDisk:
		r.Primary = reading.DiskUsedPercent
		for i, mp := range []string{"/", "/home", "/var", "/boot"} {
			ls := []string{"device", "/dev/sda" + strconv.Itoa(i+1), "fstype", "ext4", "mountpoint", mp}
			size := 500e9
			free := size - m.count("used"+mp, float64(m.rng.IntN(64))*4096) - 100e9
			add(reading.FSSize, size, reading.Bytes, ls...)
			add(reading.FSFree, free, reading.Bytes, ls...)
			add(reading.FSAvail, free-25e9, reading.Bytes, ls...)
			add(reading.FSUsedPercent, (size-free)/size*100, reading.Percent, ls...)
			add(reading.FSFiles, 32e6, reading.None, ls...)
			add(reading.FSFilesFree, 30e6, reading.None, ls...)
			add(reading.FSReadOnly, 0, reading.None, ls...)
			add(reading.FSError, 0, reading.None, ls...)
			if i == 0 {
				add(reading.DiskUsedPercent, (size-free)/size*100, reading.Percent)
			}
		}
		for _, d := range []string{"sda", "nvme0n1"} {
			rb, wb := float64(m.rng.IntN(200))*4096, float64(m.rng.IntN(500))*4096
			add(reading.DiskReadBytes, rb/2, reading.BytesPerSecond, "device", d)
			add(reading.DiskWriteBytes, wb/2, reading.BytesPerSecond, "device", d)
			add(reading.DiskReads, rb/4096/2, reading.PerSecond, "device", d)
			add(reading.DiskWrites, wb/4096/2, reading.PerSecond, "device", d)
			add(reading.DiskBusy, m.noisy(10, 10), reading.Percent, "device", d)
			ctr(reading.DiskReadBytesTotal, rb, reading.Bytes, "device", d)
			ctr(reading.DiskWrittenBytesTotal, wb, reading.Bytes, "device", d)
			ctr(reading.DiskReadsTotal, rb/4096, reading.None, "device", d)
			ctr(reading.DiskWritesTotal, wb/4096, reading.None, "device", d)
			ctr(reading.DiskIOTimeTotal, float64(m.rng.IntN(200))/1000, reading.Seconds, "device", d)
			ctr(reading.DiskReadTimeTotal, float64(m.rng.IntN(100))/1000, reading.Seconds, "device", d)
			ctr(reading.DiskWriteTimeTotal, float64(m.rng.IntN(300))/1000, reading.Seconds, "device", d)
		}
	case reading.SensorNetwork:
		r.Primary = reading.NetThroughput
		var total float64
		for _, d := range []string{"eth0", "eth1", "docker0"} {
			rx, tx := float64(m.rng.IntN(5e6)), float64(m.rng.IntN(1e6))
			total += (rx + tx) / 2
			add(reading.NetRxBytes, rx/2, reading.BytesPerSecond, "device", d)
			add(reading.NetTxBytes, tx/2, reading.BytesPerSecond, "device", d)
			add(reading.NetRxPackets, rx/1500/2, reading.PerSecond, "device", d)
			add(reading.NetTxPackets, tx/1500/2, reading.PerSecond, "device", d)
			for _, n := range []string{reading.NetRxErrors, reading.NetTxErrors, reading.NetRxDrops, reading.NetTxDrops} {
				add(n, 0, reading.PerSecond, "device", d)
			}
			ctr(reading.NetRxBytesTotal, rx, reading.Bytes, "device", d)
			ctr(reading.NetTxBytesTotal, tx, reading.Bytes, "device", d)
			ctr(reading.NetRxPacketsTotal, math.Floor(rx/1500), reading.None, "device", d)
			ctr(reading.NetTxPacketsTotal, math.Floor(tx/1500), reading.None, "device", d)
			for _, n := range []string{reading.NetRxErrsTotal, reading.NetTxErrsTotal, reading.NetRxDropTotal, reading.NetTxDropTotal} {
				ctr(n, 0, reading.None, "device", d)
			}
		}
		add(reading.NetThroughput, total, reading.BytesPerSecond)
	case reading.SensorProcesses:
		r.Primary = reading.ProcsCount
		// A little churn: about one process in 500 ends and is replaced,
		// and the process events say so.
		r.Exits = &reading.Exits{Watching: true}
		for i := range m.procs {
			if m.rng.IntN(500) == 0 {
				old := m.procs[i]
				r.Exits.Processes = append(r.Exits.Processes, reading.ExitedProcess{PID: old.PID, PPID: old.PPID,
					Comm: old.Comm, Cmdline: old.Cmdline, Start: old.Start, Exit: t, Lifetime: t.Sub(old.Start).Seconds(),
					CPUTime: old.CPUTime, ReadBytes: uint64(m.rng.IntN(1 << 20)), WriteBytes: uint64(m.rng.IntN(1 << 20)), Final: true})
				m.procs[i] = m.newProc(t)
			}
			p := &m.procs[i]
			p.CPUPercent = 0
			if i%20 == 0 {
				p.CPUPercent = float64(m.rng.IntN(5000)) / 100
			}
			p.CPUTime += p.CPUPercent / 100 * 2
			p.RSS += uint64(m.rng.IntN(3)) * 4096
		}
		r.Processes = slices.Clone(m.procs)
		add(reading.ProcsCount, float64(len(m.procs)), reading.None)
		for _, st := range []string{"running", "sleeping", "disk_sleep", "zombie", "stopped", "idle", "other"} {
			add(reading.ProcsState, float64(m.rng.IntN(5)), reading.None, "state", st)
		}
		add(reading.ProcsThreads, float64(len(m.procs)*3), reading.None)
	case reading.SensorCgroups:
		m.readCgroups(&r, add, ctr)
	case reading.SensorSelf:
		r.Primary = reading.SelfCPU
		add(reading.SelfCPU, m.noisy(0.8, 0.5), reading.Percent)
		add(reading.SelfRSS, float64(20e6+4096*m.rng.IntN(100)), reading.Bytes)
		add(reading.SelfGoroutines, float64(20+m.rng.IntN(3)), reading.None)
		for s := range m.cadence {
			add(reading.SelfReadSeconds, float64(m.rng.IntN(5000))/1e6, reading.Seconds, "sensor", s)
		}
		add(reading.SelfQueueLen, float64(m.rng.IntN(3)), reading.None)
		add(reading.SelfDropped, 0, reading.None)
	}
	return r
}

// withCgroups adds a cgroups sensor of n groups at the engine's cadence:
// a server's systemd services and a few containers, one group in four
// busy and one in four under a CPU and memory limit, pressure mostly
// zero with a stall now and then.
func (m *machine) withCgroups(n int, start time.Time) *machine {
	m.cgroups = n
	m.cadence[reading.SensorCgroups] = 2 * time.Second
	m.next[reading.SensorCgroups] = start
	return m
}

func (m *machine) readCgroups(r *reading.Reading, add, ctr func(name string, v float64, u reading.Unit, labels ...string)) {
	add(reading.CgroupsCount, float64(m.cgroups), reading.None)
	for i := range m.cgroups {
		unit := "svc" + strconv.Itoa(i) + ".service"
		ls := []string{"cgroup", "/system.slice/" + unit, "unit", unit}
		if i%8 == 7 {
			id := fmt.Sprintf("%064x", i)
			ls = []string{"cgroup", "/system.slice/docker-" + id + ".scope", "container", id[:12], "runtime", "docker", "unit", "docker-" + id + ".scope"}
		}
		busy, limited := i%4 == 0, i%4 == 1
		cpu := 0.0
		if busy {
			cpu = m.noisy(20, 30)
		} else if m.rng.IntN(10) == 0 {
			cpu = float64(m.rng.IntN(50)) / 100
		}
		with := func(extra ...string) []string { return append(slices.Clone(ls), extra...) }
		add(reading.CgroupsCPUUsage, math.Round(cpu*100)/100, reading.Percent, ls...)
		ctr(reading.CgroupsCPUSecondsTotal, math.Round(cpu/100*2*1e6)/1e6, reading.Seconds, ls...)
		mem := m.count("cgmem"+strconv.Itoa(i), 0)
		if mem == 0 {
			mem = m.count("cgmem"+strconv.Itoa(i), float64((1+m.rng.IntN(500))<<20))
		}
		if busy {
			mem = m.count("cgmem"+strconv.Itoa(i), float64(m.rng.IntN(65)-32)*4096)
		}
		add(reading.CgroupsMemCurrent, mem, reading.Bytes, ls...)
		add(reading.CgroupsMemWorkingSet, mem*0.8-math.Mod(mem*0.8, 4096), reading.Bytes, ls...)
		if limited {
			ctr(reading.CgroupsThrottledTotal, float64(m.rng.IntN(2)), reading.None, ls...)
			ctr(reading.CgroupsThrottledSecondsTotal, float64(m.rng.IntN(2))*0.01, reading.Seconds, ls...)
			add(reading.CgroupsMemMax, 2<<30, reading.Bytes, ls...)
			add(reading.CgroupsMemUsedPercent, math.Round(mem*0.8/(2<<30)*1e4)/100, reading.Percent, ls...)
		}
		for _, ev := range []string{"high", "max", "oom"} {
			ctr(reading.CgroupsMemEventsTotal, 0, reading.None, with("event", ev)...)
		}
		ctr(reading.CgroupsOOMKillsTotal, 0, reading.None, ls...)
		add(reading.CgroupsPids, float64(1+i%7), reading.None, ls...)
		ctr(reading.CgroupsIOReadBytesTotal, float64(m.rng.IntN(3))*4096, reading.Bytes, ls...)
		ctr(reading.CgroupsIOWrittenBytesTotal, float64(m.rng.IntN(5))*4096, reading.Bytes, ls...)
		for _, res := range []string{"cpu", "memory", "io"} {
			for _, k := range []string{"some", "full"} {
				stall := 0.0
				if busy && m.rng.IntN(20) == 0 {
					stall = float64(m.rng.IntN(500)) / 100
				}
				for _, w := range []string{"avg10", "avg60", "avg300"} {
					add(reading.CgroupsPressure, stall, reading.Percent, with("resource", res, "kind", k, "window", w)...)
				}
				ctr(reading.CgroupsPressureStalledSecondsTotal, stall/100*2, reading.Seconds, with("resource", res, "kind", k)...)
			}
		}
	}
}
