//go:build !linux

package sensor

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Read returns ErrUnsupported: only Linux has a backend yet.
func (m *Memory) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	return reading.Reading{}, ErrUnsupported
}

// selfCgroup: only Linux has cgroups.
type selfCgroup struct{}
