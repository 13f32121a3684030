package metrics

import (
	"bytes"
	"os"
	"sync"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// userHZ is the clock tick of /proc/PID/stat's times, fixed at 100 on
// every architecture Linux exports to user space, as client_golang assumes.
const userHZ = 100

// selfCollector exposes the process_* series of client_golang's process
// collector, under its names and help texts, at a fraction of its cost:
// that collector reads /proc/stat for the boot time, parses
// /proc/self/limits with a regexp and allocates /proc/self/net/netstat
// whole on every scrape, which was most of what vigia's own part of
// /metrics cost. Here the start time is read once (it cannot change), the
// limits come from getrlimit and the two files left are read into a reused
// buffer.
type selfCollector struct {
	cpu, openFDs, maxFDs, vsize, maxVsize, rss, start, in, out *prometheus.Desc

	mu        sync.Mutex
	buf       []byte
	startTime float64 // 0 until read
}

func newSelfCollector() prometheus.Collector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &selfCollector{
		cpu:      d("process_cpu_seconds_total", "Total user and system CPU time spent in seconds."),
		openFDs:  d("process_open_fds", "Number of open file descriptors."),
		maxFDs:   d("process_max_fds", "Maximum number of open file descriptors."),
		vsize:    d("process_virtual_memory_bytes", "Virtual memory size in bytes."),
		maxVsize: d("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes."),
		rss:      d("process_resident_memory_bytes", "Resident memory size in bytes."),
		start:    d("process_start_time_seconds", "Start time of the process since unix epoch in seconds."),
		in:       d("process_network_receive_bytes_total", "Number of bytes received by the process over the network."),
		out:      d("process_network_transmit_bytes_total", "Number of bytes sent by the process over the network."),
	}
}

// Describe sends nothing: the Collector is unchecked like the rest of
// /metrics.
func (c *selfCollector) Describe(chan<- *prometheus.Desc) {}

// Collect emits what it can read; a file it cannot read leaves its series
// out, as client_golang's collector without ReportErrors does.
func (c *selfCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if c.buf, err = readInto(c.buf, "/proc/self/stat"); err == nil {
		if st, err := procfs.ParsePIDStat(c.buf); err == nil {
			ch <- prometheus.MustNewConstMetric(c.cpu, prometheus.CounterValue, float64(st.UTime+st.STime)/userHZ)
			ch <- prometheus.MustNewConstMetric(c.vsize, prometheus.GaugeValue, float64(st.VSize))
			ch <- prometheus.MustNewConstMetric(c.rss, prometheus.GaugeValue, float64(st.RSSPages)*float64(os.Getpagesize()))
			if c.startTime == 0 {
				c.startTime = c.readStart(st.StartTicks)
			}
			if c.startTime != 0 {
				ch <- prometheus.MustNewConstMetric(c.start, prometheus.GaugeValue, c.startTime)
			}
		}
	}
	if n, err := countFDs(); err == nil {
		ch <- prometheus.MustNewConstMetric(c.openFDs, prometheus.GaugeValue, float64(n))
	}
	var nofile, as syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile) == nil && syscall.Getrlimit(syscall.RLIMIT_AS, &as) == nil {
		ch <- prometheus.MustNewConstMetric(c.maxFDs, prometheus.GaugeValue, float64(nofile.Cur))
		ch <- prometheus.MustNewConstMetric(c.maxVsize, prometheus.GaugeValue, float64(as.Cur))
	}
	if c.buf, err = readInto(c.buf, "/proc/self/net/netstat"); err == nil {
		var in, out float64
		err := procfs.ParseNetstat(c.buf, func(proto, field []byte, v float64) {
			if string(proto) != "IpExt" {
				return
			}
			switch {
			case bytes.Equal(field, []byte("InOctets")):
				in = v
			case bytes.Equal(field, []byte("OutOctets")):
				out = v
			}
		})
		if err == nil {
			ch <- prometheus.MustNewConstMetric(c.in, prometheus.CounterValue, in)
			ch <- prometheus.MustNewConstMetric(c.out, prometheus.CounterValue, out)
		}
	}
}

// readStart returns the process start time in seconds since the epoch, or
// 0 when /proc/stat cannot be read (tried again at the next scrape).
func (c *selfCollector) readStart(ticks uint64) float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	boot, err := procfs.ParseBootTime(b)
	if err != nil {
		return 0
	}
	return float64(boot) + float64(ticks)/userHZ
}

// readInto reads the file at path into buf, grown as needed.
func readInto(buf []byte, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil || n == 0 {
			return buf, nil
		}
	}
}

// countFDs counts the entries of /proc/self/fd.
func countFDs() (int, error) {
	f, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for {
		names, err := f.Readdirnames(256)
		n += len(names)
		if err != nil || len(names) == 0 {
			return n, nil
		}
	}
}
