//go:build !linux

package sensor

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

type procsOS struct{}

// NewProcesses returns a Processes sensor whose Read reports ErrUnsupported:
// only Linux has a backend yet.
func NewProcesses(fs procfs.FS) (*Processes, error) { return &Processes{}, nil }

// Read returns ErrUnsupported.
func (p *Processes) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	return reading.Reading{}, ErrUnsupported
}

// Close does nothing.
func (p *Processes) Close() error { return nil }

// OnBusy does nothing: there is no exit watch here.
func (p *Processes) OnBusy(func()) {}
