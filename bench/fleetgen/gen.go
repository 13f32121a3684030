package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// genOptions shape the synthetic fleet.
type genOptions struct {
	Hosts int
	// From and To bound the samples, a sample each Step.
	From, To time.Time
	Step     time.Duration
	// Now is where the fleet's story is told from: hosts went down and
	// alerts began relative to it.
	Now time.Time
}

// host is one synthetic machine: what its series carry and how it behaves.
type host struct {
	labels     string // instance, job and the group labels, without braces
	cores      int
	busy       float64 // mean CPU busy fraction
	memTotal   float64
	memUsed    float64
	vigia      bool
	downFrom   time.Time // zero: never down
	filling    bool      // / loses free space at a steady rate
	rx, tx     float64   // bytes per second
	fsRoot     float64
	fsRootFree float64
}

var (
	envs        = []string{"prod", "prod", "prod", "staging", "dev"}
	datacenters = []string{"dc-north", "dc-south", "dc-east", "dc-west"}
	cpuModes    = []string{"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"}
)

// frac is a stable pseudo-random number in [0,1) for host i and salt k:
// the fleet is the same on every run.
func frac(i, k int) float64 {
	x := math.Sin(float64(i)*12.9898+float64(k)*78.233) * 43758.5453
	return x - math.Floor(x)
}

func hosts(o genOptions) []host {
	hs := make([]host, o.Hosts)
	for i := range hs {
		h := &hs[i]
		h.vigia = i%5 < 3
		job, port := "node", 9100
		if h.vigia {
			job, port = "vigia", 9717
		}
		h.labels = fmt.Sprintf(`instance="host-%04d.example:%d",job=%q,env=%q,datacenter=%q`,
			i, port, job, envs[i%len(envs)], datacenters[(i/7)%len(datacenters)])
		h.cores = []int{2, 4, 4, 8}[i%4]
		h.busy = 0.03 + 0.9*frac(i, 1)*frac(i, 1)
		h.memTotal = float64(int64(8)<<30) * float64(int(1)<<(i%3))
		h.memUsed = 0.15 + 0.8*frac(i, 2)
		h.rx, h.tx = 1e4+5e6*frac(i, 3), 1e4+2e6*frac(i, 4)
		h.fsRoot = 100e9
		h.fsRootFree = 0.1 + 0.8*frac(i, 5)
		switch {
		case i%97 == 3:
			// Down through the whole span: never seen up.
			h.downFrom = o.From.Add(-time.Second)
		case i%37 == 5:
			h.downFrom = o.Now.Add(-time.Duration(5+i%40) * time.Minute)
		}
		h.filling = i%23 == 7
	}
	return hs
}

func (h *host) up(t time.Time) bool { return h.downFrom.IsZero() || t.Before(h.downFrom) }

// busyAt wanders around the host's mean, so sparklines have a shape.
func (h *host) busyAt(i int, t time.Time) float64 {
	b := h.busy + 0.06*math.Sin(float64(t.Unix())/300+float64(i))
	return min(max(b, 0.01), 0.97)
}

// series is one series of a family: its extra labels and its value at t
// (and, for counters, its increase over one step).
type series struct {
	name, labels string
	value        func(i int, h *host, t time.Time, prev float64, step float64) float64
	only         func(h *host) bool
}

// generate writes the fleet as OpenMetrics text, family by family, each
// series' samples in time order, as promtool's backfill reads it. A host
// that is down has only up = 0, as a failed scrape leaves.
func generate(w io.Writer, o genOptions) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	hs := hosts(o)
	step := o.Step.Seconds()
	var fams [][]series
	// CPU: one counter per core and mode, rising at the mode's share of
	// the host's busy time.
	var cpu []series
	for c := range 8 {
		for _, mode := range cpuModes {
			share := map[string]float64{"user": 0.6, "system": 0.3, "steal": 0.04, "irq": 0.02, "softirq": 0.02, "nice": 0.02}[mode]
			cpu = append(cpu, series{name: "node_cpu_seconds_total", labels: fmt.Sprintf(`cpu="%d",mode=%q`, c, mode),
				only: func(h *host) bool { return c < h.cores },
				value: func(i int, h *host, t time.Time, prev, step float64) float64 {
					b := h.busyAt(i, t)
					switch mode {
					case "idle":
						return prev + step*(1-b-0.01)
					case "iowait":
						return prev + step*0.01
					}
					return prev + step*b*share
				}})
		}
	}
	fams = append(fams, cpu)
	fams = append(fams,
		[]series{{name: "node_memory_MemTotal_bytes", value: func(_ int, h *host, _ time.Time, _, _ float64) float64 { return h.memTotal }}},
		[]series{{name: "node_memory_MemAvailable_bytes", value: func(i int, h *host, t time.Time, _, _ float64) float64 {
			return math.Round(h.memTotal * (1 - h.memUsed - 0.02*math.Sin(float64(t.Unix())/900+float64(i))))
		}}},
		[]series{{name: "node_load1", value: func(i int, h *host, t time.Time, _, _ float64) float64 {
			return math.Round(100*h.busyAt(i, t)*float64(h.cores)*1.1) / 100
		}}},
	)
	type fs struct{ dev, fstype, mount string }
	fss := []fs{{"/dev/vda1", "ext4", "/"}, {"/dev/vdb1", "xfs", "/var"}, {"tmpfs", "tmpfs", "/run"}}
	var size, avail []series
	for k, f := range fss {
		l := fmt.Sprintf(`device=%q,fstype=%q,mountpoint=%q`, f.dev, f.fstype, f.mount)
		sz := []float64{100e9, 500e9, 1e9}[k]
		size = append(size, series{name: "node_filesystem_size_bytes", labels: l, value: func(_ int, _ *host, _ time.Time, _, _ float64) float64 { return sz }})
		avail = append(avail, series{name: "node_filesystem_avail_bytes", labels: l, value: func(i int, h *host, t time.Time, _, _ float64) float64 {
			free := sz * (0.3 + 0.6*frac(i, 6+k))
			if k == 0 {
				free = sz * h.fsRootFree
				if h.filling {
					// Full some hours after Now: 1 h to 1 day.
					left := time.Duration(1+i%24) * time.Hour
					free = sz * 0.08 * float64(o.Now.Add(left).Sub(t)) / float64(left)
				}
			}
			return math.Round(max(free, 0))
		}})
	}
	fams = append(fams, size, avail)
	for _, dir := range []string{"receive", "transmit"} {
		var net []series
		for _, dev := range []string{"eth0", "lo"} {
			net = append(net, series{name: "node_network_" + dir + "_bytes_total", labels: fmt.Sprintf(`device=%q`, dev),
				value: func(i int, h *host, t time.Time, prev, step float64) float64 {
					r := h.rx
					if dir == "transmit" {
						r = h.tx
					}
					if dev == "lo" {
						r /= 10
					}
					return prev + math.Round(step*r*(1+0.3*math.Sin(float64(t.Unix())/120+float64(i))))
				}})
		}
		fams = append(fams, net)
	}
	fams = append(fams, []series{{name: "vigia_build_info", labels: `version="0.9.0",goversion="go1.24"`, only: func(h *host) bool { return h.vigia },
		value: func(int, *host, time.Time, float64, float64) float64 { return 1 }}})

	var line []byte
	sample := func(name, labels, extra string, v float64, t time.Time) {
		line = append(line[:0], name...)
		line = append(line, '{')
		line = append(line, labels...)
		if extra != "" {
			line = append(line, ',')
			line = append(line, extra...)
		}
		line = append(line, "} "...)
		line = strconv.AppendFloat(line, v, 'f', -1, 64)
		line = append(line, ' ')
		line = strconv.AppendInt(line, t.Unix(), 10)
		line = append(line, '\n')
		bw.Write(line)
	}
	// up: every host, every step.
	for i := range hs {
		h := &hs[i]
		for t := o.From; !t.After(o.To); t = t.Add(o.Step) {
			v := 0.0
			if h.up(t) {
				v = 1
			}
			sample("up", h.labels, "", v, t)
		}
	}
	for _, fam := range fams {
		for _, s := range fam {
			for i := range hs {
				h := &hs[i]
				if s.only != nil && !s.only(h) {
					continue
				}
				prev := 1e4 * frac(i, 9)
				for t := o.From; !t.After(o.To); t = t.Add(o.Step) {
					prev = s.value(i, h, t, prev, step)
					if h.up(t) {
						sample(s.name, h.labels, s.labels, prev, t)
					}
				}
			}
		}
	}
	// ALERTS as Prometheus writes them for firing alerts: the filling
	// hosts warn all along, the hosts that went down are critical since.
	for i := range hs {
		h := &hs[i]
		for t := o.From; !t.After(o.To); t = t.Add(o.Step) {
			if h.filling {
				sample("ALERTS", h.labels, `alertname="FilesystemFilling",alertstate="firing",severity="warning",mountpoint="/"`, 1, t)
			}
			if !h.up(t) {
				sample("ALERTS", h.labels, `alertname="HostDown",alertstate="firing",severity="critical"`, 1, t)
			}
			if h.busyAt(i, t) > 0.85 {
				sample("ALERTS", h.labels, `alertname="HighCPU",alertstate="firing",severity="warning"`, 1, t)
			}
		}
	}
	bw.WriteString("# EOF\n")
	return bw.Flush()
}
