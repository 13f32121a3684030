package main

import (
	"context"
	"fmt"

	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
)

// recording is the history store subscribed to a running engine.
type recording struct {
	st   *store.Store
	done chan error
	// lastErr is the store error last shown to the user, so a failing disk
	// is said once when it starts failing and once when it recovers.
	lastErr string
}

// startRecording opens the history database for writing and subscribes it
// to the engine. The store writes off the sensors' path: a slow or full disk
// fills its bounded backlog, never the engine's queue. A ctx done while the
// database opens gives no recording and no error: the command is stopping.
func (s *setup) startRecording(ctx context.Context, e *env, eng *engine.Engine, dbFlag string) (*recording, error) {
	st, err := openRecorder(ctx, e, dbFlag, s.cfg.Store, s.logger.With("output", "store"))
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped while the database opened (a check of a large file,
		// another process's lock): nothing to record, nothing failed.
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("history: %w", err)
	}
	sub := eng.Subscribe("store", 1024)
	r := &recording{st: st, done: make(chan error, 1)}
	go func() { r.done <- st.Record(ctx, sub.C) }()
	return r, nil
}

// stop waits for the store to write what the engine delivered before it
// closed the subscription, then closes the database.
func (r *recording) stop() error {
	if r == nil {
		return nil
	}
	err := <-r.done
	if cerr := r.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// changed reports a change of the store's error state since the last call:
// the message to show, and whether there is one.
func (r *recording) changed() (string, bool) {
	if r == nil {
		return "", false
	}
	h := r.st.Health()
	if h.Err == r.lastErr {
		return "", false
	}
	r.lastErr = h.Err
	if h.Err == "" {
		return fmt.Sprintf("history: writing again (%d readings dropped while the disk refused them)", h.Dropped), true
	}
	return fmt.Sprintf("history: writes failing since %s: %s (keeping up to %d readings in memory)", h.ErrSince.Format("15:04:05"), h.Err, h.Backlog), true
}

// storeHealth is the store's state, for the status API and /metrics.
func (r *recording) storeHealth() reading.StoreHealth { return r.st.Health() }
