//go:build !linux

package sensor

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Read returns ErrUnsupported: only Linux has a backend yet.
func (c *CPU) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	return reading.Reading{}, ErrUnsupported
}

func clockTicks() float64 { return 100 }
