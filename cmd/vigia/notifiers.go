package main

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/notify"
	"github.com/vigia-dev/vigia/internal/reading"
)

// notifying is the notifiers' side of a running engine. A command whose
// config names no notifier starts none (it costs nothing); a reload that
// brings some starts them then.
type notifying struct {
	mu   sync.Mutex
	disp *notify.Dispatcher
	done chan struct{}
	// begin starts a dispatcher for notifiers; it is set until one runs.
	begin func(ns []config.Notifier) (*notify.Dispatcher, chan struct{})
}

// health is each notifier's delivery record.
func (n *notifying) health() []reading.NotifierHealth {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.disp == nil {
		return nil
	}
	return n.disp.Health()
}

// reload puts the notifiers of a reloaded config in force.
func (n *notifying) reload(ns []config.Notifier) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.disp != nil:
		n.disp.Reload(ns)
	case len(ns) > 0:
		n.disp, n.done = n.begin(ns)
	}
}

// wait returns when the notifiers have sent what they had, after the
// engine closed their subscription.
func (n *notifying) wait() {
	n.mu.Lock()
	done := n.done
	n.mu.Unlock()
	<-done
}

// checkNotifiers refuses a config whose notifiers cannot run here (a
// command not found, a secret not set), with the errors and the exit code of
// `vigia config check`: the commands that notify judge a file as it does.
func (s *setup) checkNotifiers() error {
	if err := config.CheckNotifiers(s.cfgPath, s.cfg.Notifiers); err != nil {
		return &usageError{err: err}
	}
	return nil
}

// setupNotifying is setup for a command that runs the config's notifiers:
// one whose notifiers cannot run here is refused before anything starts.
func (m *machineFlags) setupNotifying(e *env) (*setup, error) {
	s, err := m.setup(e)
	if err != nil {
		return nil, err
	}
	if err := s.checkNotifiers(); err != nil {
		return nil, err
	}
	return s, nil
}

// startNotify subscribes the config's notifiers to the engine's alert
// transitions; with no notifiers configured it costs nothing. flush bounds
// how long shutdown waits for a slow receiver (a hanging webhook must not
// keep `watch` from stopping in 2 s). secrets are values besides the
// notifiers' own that their errors must never show (the agent's token).
func (s *setup) startNotify(ctx context.Context, eng *engine.Engine, flush time.Duration, secrets ...string) *notifying {
	n := &notifying{done: make(chan struct{})}
	close(n.done)
	n.begin = func(ns []config.Notifier) (*notify.Dispatcher, chan struct{}) {
		host, _ := os.Hostname()
		sub := eng.Subscribe("notify", 256)
		disp := notify.New(notify.Options{Notifiers: ns, Host: host, FlushTimeout: flush,
			Secrets: secrets, Logger: s.logger.With("output", "notify")})
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Not ctx itself: the engine's last transitions arrive after ctx
			// is cancelled, and are still worth sending.
			disp.Run(context.WithoutCancel(ctx), sub.C)
		}()
		return disp, done
	}
	n.reload(s.cfg.Notifiers)
	return n
}
