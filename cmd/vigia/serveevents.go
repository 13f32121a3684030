package main

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/server"
)

// recordedEvents answers /api/v1/events from the history database while
// the agent records one; without one the server answers from the events
// it saw itself.
type recordedEvents struct{ h *recordedHistory }

func (r recordedEvents) Events(_ context.Context, from, to time.Time, kinds []reading.EventKind) ([]reading.Event, error) {
	if r.h.rec == nil {
		return nil, server.ErrNotFound
	}
	return r.h.rec.st.Events(from, to, kinds)
}
