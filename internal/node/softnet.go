package node

import (
	"fmt"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func softnetFamily(name, help string, t reading.Kind) *reading.Family {
	return &reading.Family{Name: "node_softnet_" + name, Help: help, Type: t, Labels: []string{"cpu"}}
}

var (
	softnetProcessed   = softnetFamily("processed_total", "Number of processed packets", reading.Counter)
	softnetDropped     = softnetFamily("dropped_total", "Number of dropped packets", reading.Counter)
	softnetSqueezed    = softnetFamily("times_squeezed_total", "Number of times processing packets ran out of quota", reading.Counter)
	softnetCollision   = softnetFamily("cpu_collision_total", "Number of collision occur while obtaining device lock while transmitting", reading.Counter)
	softnetReceivedRPS = softnetFamily("received_rps_total", "Number of times cpu woken up received_rps", reading.Counter)
	softnetFlowLimit   = softnetFamily("flow_limit_count_total", "Number of times flow limit has been reached", reading.Counter)
	softnetBacklogLen  = softnetFamily("backlog_len", "Softnet backlog status", reading.Gauge)
)

// softnet is node_exporter's softnet collector: /proc/net/softnet_stat,
// one line a CPU, with every column node_exporter reports (0 for those an
// old kernel lacks).
type softnet struct {
	fs    procfs.FS
	stats []procfs.Softnet
	buf   []byte
	// cpus caches the label of each CPU number.
	cpus []string
}

func newSoftnet(env Env) (Collector, error) { return &softnet{fs: env.FS}, nil }

func (c *softnet) Update(emit reading.Emit) error {
	buf, err := c.fs.ReadNet("softnet_stat", c.buf)
	c.buf = buf
	if err != nil {
		return err
	}
	if c.stats, err = procfs.ParseSoftnet(buf, c.stats); err != nil {
		return fmt.Errorf("%s: %w", c.fs.Proc("net", "softnet_stat"), err)
	}
	for _, s := range c.stats {
		cpu := c.cpu(s.CPU)
		emit(softnetProcessed, float64(s.Processed), cpu)
		emit(softnetDropped, float64(s.Dropped), cpu)
		emit(softnetSqueezed, float64(s.TimeSqueezed), cpu)
		emit(softnetCollision, float64(s.CPUCollision), cpu)
		emit(softnetReceivedRPS, float64(s.ReceivedRPS), cpu)
		emit(softnetFlowLimit, float64(s.FlowLimitCount), cpu)
		emit(softnetBacklogLen, float64(s.BacklogLen), cpu)
	}
	return nil
}

func (c *softnet) cpu(n uint32) string {
	if n >= 1<<16 {
		return strconv.FormatUint(uint64(n), 10) // garbage: do not grow the cache for it
	}
	for uint32(len(c.cpus)) <= n {
		c.cpus = append(c.cpus, strconv.Itoa(len(c.cpus)))
	}
	return c.cpus[n]
}
