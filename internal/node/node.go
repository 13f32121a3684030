// Package node reads the machine the way node_exporter's collectors do, at
// scrape time, under node_exporter's names, help texts, labels, types and
// units, so that dashboards and alert rules written for node_exporter work
// unchanged against vigia's /metrics.
//
// Each collector reads its kernel files through procfs (rooted at
// --procfs, --sysfs, --rootfs) and emits reading.Family samples; it knows
// nothing of Prometheus' client library, which metrics alone imports. A
// Set runs the chosen collectors for one scrape and reports each one's
// health as node_scrape_collector_success and _duration_seconds: a
// collector that fails is reported and the others still served; one that
// hangs is abandoned at the deadline and not started again until it
// returns.
//
// Readings (what sensors sample on their cadence for rules, the dashboard
// and history) and these series are separate on purpose: node_exporter's
// series are many (every netstat field, every disk counter) and only a
// scrape wants them, so they are read when asked for and never recorded.
package node

import (
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Env is what every collector may read from. The zero Now means
// time.Now; the zero Logger discards.
type Env struct {
	FS procfs.FS
	// Rootfs is where the watched machine's / is mounted (--rootfs): the
	// filesystem collector's statfs and os-release are read under it.
	Rootfs string
	// Now is the clock node_time_seconds reports.
	Now func() time.Time
	// Logger receives a collector's failure once, when it starts failing,
	// and its recovery: a scrape every 15 s must not repeat the same line.
	Logger *slog.Logger
	// DiskExclude, MountExclude and FSTypeExclude are what the diskstats
	// and filesystem collectors skip: block device names, mount points
	// and filesystem types that match. nil is node_exporter's default
	// (DefaultDiskExclude and its siblings).
	DiskExclude, MountExclude, FSTypeExclude *regexp.Regexp
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Collector reads one group of kernel files and emits their series. An
// error marks the collector failed for this scrape (success 0); what it
// emitted before the error is still exposed, as node_exporter does.
type Collector interface {
	Update(emit reading.Emit) error
}

// ErrNoData says the machine has nothing for the collector (no conntrack
// module, no hwmon chips): reported as success 0 like any failure, but
// not logged as one.
var ErrNoData = errors.New("collector returned no data")

// Registration is one row of the collector table.
type Registration struct {
	Name string
	// Default collectors run unless turned off: node_exporter's default
	// set on Linux.
	Default bool
	// New builds the collector; nil for one that /metrics runs itself
	// (textfile), which the Set then skips.
	New func(Env) (Collector, error)
}
