package node

import (
	"bytes"
	"os"
	"sync"
	"syscall"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// userHZ is the clock tick of /proc/PID/stat's times, fixed at 100 on
// every architecture Linux exports to user space, as client_golang assumes.
const userHZ = 100

var (
	selfCPU      = &reading.Family{Name: "process_cpu_seconds_total", Help: "Total user and system CPU time spent in seconds.", Type: reading.Counter}
	selfOpenFDs  = &reading.Family{Name: "process_open_fds", Help: "Number of open file descriptors.", Type: reading.Gauge}
	selfMaxFDs   = &reading.Family{Name: "process_max_fds", Help: "Maximum number of open file descriptors.", Type: reading.Gauge}
	selfVsize    = &reading.Family{Name: "process_virtual_memory_bytes", Help: "Virtual memory size in bytes.", Type: reading.Gauge}
	selfMaxVsize = &reading.Family{Name: "process_virtual_memory_max_bytes", Help: "Maximum amount of virtual memory available in bytes.", Type: reading.Gauge}
	selfRSS      = &reading.Family{Name: "process_resident_memory_bytes", Help: "Resident memory size in bytes.", Type: reading.Gauge}
	selfStart    = &reading.Family{Name: "process_start_time_seconds", Help: "Start time of the process since unix epoch in seconds.", Type: reading.Gauge}
	selfIn       = &reading.Family{Name: "process_network_receive_bytes_total", Help: "Number of bytes received by the process over the network.", Type: reading.Counter}
	selfOut      = &reading.Family{Name: "process_network_transmit_bytes_total", Help: "Number of bytes sent by the process over the network.", Type: reading.Counter}
)

// self reads vigia's own process_* series, client_golang's process
// collector's names and help texts, at a fraction of its cost: that
// collector reads /proc/stat for the boot time, parses /proc/self/limits
// with a regexp and allocates /proc/self/net/netstat whole on every
// scrape, which was most of what vigia's own part of /metrics cost. Here
// the start time is read once (it cannot change), the limits come from
// getrlimit and the two files left are read into a reused buffer. It reads
// the real /proc/self, whatever --procfs says: these are vigia's own.
type self struct {
	// mu makes overlapping scrapes take turns with buf and proc.
	mu        sync.Mutex
	buf       []byte
	dents     []byte  // /proc/self/fd's listing
	startTime float64 // 0 until read
	// proc holds /proc/self/stat and /proc/self/net/netstat open between
	// scrapes, so that each is a pread: opening and closing them was a
	// fifth of what this collector cost (perf, serve scraped 1/s).
	proc procfs.FS
}

// Self returns the collector of vigia's own process_* series; nil where
// there is no /proc to read them from.
func Self() Collector {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		return nil
	}
	return &self{proc: fs.WithHeldFiles()}
}

// Update emits what it can read; a file it cannot read leaves its series
// out, as client_golang's collector without ReportErrors does.
func (c *self) Update(emit reading.Emit) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if c.buf, err = c.proc.ReadProcFile(c.buf, "self", "stat"); err == nil {
		if st, err := procfs.ParsePIDStat(c.buf); err == nil {
			emit(selfCPU, float64(st.UTime+st.STime)/userHZ)
			emit(selfVsize, float64(st.VSize))
			emit(selfRSS, float64(st.RSSPages)*float64(os.Getpagesize()))
			if c.startTime == 0 {
				c.startTime = readStart(st.StartTicks)
			}
			if c.startTime != 0 {
				emit(selfStart, c.startTime)
			}
		}
	}
	var n int
	if n, c.dents, err = procfs.CountFDs("/proc/self/fd", c.dents); err == nil {
		emit(selfOpenFDs, float64(n))
	}
	var nofile, as syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile) == nil && syscall.Getrlimit(syscall.RLIMIT_AS, &as) == nil {
		emit(selfMaxFDs, float64(nofile.Cur))
		emit(selfMaxVsize, float64(as.Cur))
	}
	if c.buf, err = c.proc.ReadProcFile(c.buf, "self", "net", "netstat"); err == nil {
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
			emit(selfIn, in)
			emit(selfOut, out)
		}
	}
	return nil
}

// readStart returns the process start time in seconds since the epoch, or
// 0 when /proc/stat cannot be read (tried again at the next scrape).
func readStart(ticks uint64) float64 {
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
