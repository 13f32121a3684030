package sensor

import (
	"fmt"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// sample reads /proc/net/dev into buffers kept across reads.
func (n *Network) sample() ([]procfs.NetDev, error) {
	var err error
	n.devs, n.buf, err = n.fs.NetDevs(n.devs, n.buf)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return n.devs, nil
}
