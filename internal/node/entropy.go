package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	entropyAvailable = &reading.Family{Name: "node_entropy_available_bits", Help: "Bits of available entropy.", Type: reading.Gauge}
	entropyPoolSize  = &reading.Family{Name: "node_entropy_pool_size_bits", Help: "Bits of entropy pool.", Type: reading.Gauge}
)

// entropy is node_exporter's entropy collector: /proc/sys/kernel/random.
type entropy struct {
	fs  procfs.FS
	buf []byte
}

func newEntropy(env Env) (Collector, error) { return &entropy{fs: env.FS}, nil }

func (c *entropy) Update(emit reading.Emit) error {
	for _, f := range []struct {
		file string
		fam  *reading.Family
	}{
		{"kernel/random/entropy_avail", entropyAvailable},
		{"kernel/random/poolsize", entropyPoolSize},
	} {
		v, buf, err := c.fs.SysctlUint(f.file, c.buf)
		c.buf = buf
		if err != nil {
			return err
		}
		emit(f.fam, float64(v))
	}
	return nil
}
