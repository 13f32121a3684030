package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	filefdAllocated = &reading.Family{Name: "node_filefd_allocated", Help: "File descriptor statistics: allocated.", Type: reading.Gauge}
	filefdMaximum   = &reading.Family{Name: "node_filefd_maximum", Help: "File descriptor statistics: maximum.", Type: reading.Gauge}
)

// filefd is node_exporter's filefd collector: /proc/sys/fs/file-nr.
type filefd struct {
	fs  procfs.FS
	buf []byte
}

func newFilefd(env Env) (Collector, error) { return &filefd{fs: env.FS}, nil }

func (c *filefd) Update(emit reading.Emit) error {
	f, buf, err := c.fs.FileNr(c.buf)
	c.buf = buf
	if err != nil {
		return err
	}
	emit(filefdAllocated, float64(f.Allocated))
	emit(filefdMaximum, float64(f.Maximum))
	return nil
}
