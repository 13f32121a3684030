package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/reading"
)

// reloader puts a re-read config in force while the agent runs: rules (and
// so thresholds), notifiers and sensor intervals change live, alert state
// and history are kept. A config that does not load, or names notifiers
// that cannot run here, is refused and the one in force stays.
type reloader struct {
	e         *env
	m         *machineFlags
	eng       *engine.Engine
	notifiers *notifying
	logger    *slog.Logger
	// sd tells systemd a reload is under way and done (Type=notify).
	sd *sdNotifier
	// processes governs the process walk's cadence (serve), whose
	// interval reload leaves to it; topProcesses is --top-processes.
	processes    *engine.Demand
	topProcesses int

	mu sync.Mutex
	s  *setup // the config in force
}

// ruleNames names the rules in force, for /metrics.
func (r *reloader) ruleNames() []string {
	var names []string
	for _, rl := range r.eng.Rules() {
		names = append(names, rl.Name)
	}
	return names
}

// onHangup reloads at every SIGHUP until ctx is done: what `systemctl
// reload` sends (ExecReload), and what service managers and people have
// long sent a daemon to re-read its config.
func (r *reloader) onHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload()
		}
	}
}

// reload reads the config again, with the same flags over it (flags still
// win), and puts it in force; it logs what it did or why it refused.
func (r *reloader) reload() {
	r.mu.Lock()
	defer r.mu.Unlock()
	// systemd waits for READY=1 after RELOADING=1 before it calls the
	// reload done (and stamps it with the monotonic clock it checks).
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	r.sd.notify(fmt.Sprintf("RELOADING=1\nMONOTONIC_USEC=%d", ts.Nano()/1000))
	defer r.sd.notify("READY=1")
	path := r.s.cfgPath
	ns, err := r.m.setup(r.e)
	if err == nil {
		err = ns.checkNotifiers()
	}
	rules := []string(nil)
	if err == nil {
		engineRules := ns.engineRules()
		err = r.eng.SetRules(engineRules)
		for _, rl := range engineRules {
			rules = append(rules, rl.Name)
		}
	}
	if err != nil {
		r.logger.Error("config reload refused; the config in force stays", "file", path, "error", strings.TrimSpace(err.Error()))
		return
	}
	for _, name := range r.s.sensors {
		if name == reading.SensorProcesses && r.processes != nil {
			r.processes.Retune(ns.processCadence(r.topProcesses))
			continue
		}
		r.eng.SetSensorInterval(name, ns.intervals[name])
	}
	r.notifiers.reload(ns.cfg.Notifiers)
	if later := needsRestart(r.s, ns); len(later) > 0 {
		r.logger.Warn("config reloaded, but these settings change only at the next start", "file", ns.cfgPath, "settings", strings.Join(later, ", "))
	}
	r.s = ns
	r.logger.Info("config reloaded", "file", ns.cfgPath, "rules", len(rules), "notifiers", len(ns.cfg.Notifiers))
}

// needsRestart names what differs between old and new that the running
// agent cannot change: what it reads, where it listens, where it records.
func needsRestart(old, new *setup) []string {
	var later []string
	if !slices.Equal(old.sensors, new.sensors) {
		later = append(later, "sensors")
	}
	if old.fs != new.fs || old.rootfs != new.rootfs {
		later = append(later, "procfs, sysfs, rootfs")
	}
	if old.workers != new.workers || !reflect.DeepEqual(old.cfg.Engine, new.cfg.Engine) {
		later = append(later, "engine")
	}
	if !reflect.DeepEqual(old.cfg.Server, new.cfg.Server) {
		later = append(later, "server")
	}
	if !reflect.DeepEqual(old.cfg.Store, new.cfg.Store) {
		later = append(later, "store")
	}
	if old.cfg.Language != new.cfg.Language {
		later = append(later, "language")
	}
	return later
}
