//go:build !linux

package sensor

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Read returns ErrUnsupported: only Linux has a backend yet.
func (c *Cgroups) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	return reading.Reading{}, ErrUnsupported
}
