//go:build !linux

package sensor

import "github.com/vigia-dev/vigia/internal/procfs"

func (n *Network) sample() ([]procfs.NetDev, error) { return nil, ErrUnsupported }
