package node

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func conntrackFamily(name, help string) *reading.Family {
	return &reading.Family{Name: "node_nf_conntrack_" + name, Help: help, Type: reading.Gauge}
}

var (
	conntrackEntries = conntrackFamily("entries", "Number of currently allocated flow entries for connection tracking.")
	conntrackLimit   = conntrackFamily("entries_limit", "Maximum size of connection tracking table.")
	// conntrackStats follow procfs.ConntrackStat's fields. node_exporter
	// exposes these running counts as gauges; so does vigia, to match.
	conntrackStats = [8]*reading.Family{
		conntrackFamily("stat_found", "Number of searched entries which were successful."),
		conntrackFamily("stat_invalid", "Number of packets seen which can not be tracked."),
		conntrackFamily("stat_ignore", "Number of packets seen which are already connected to a conntrack entry."),
		conntrackFamily("stat_insert", "Number of entries inserted into the list."),
		conntrackFamily("stat_insert_failed", "Number of entries for which list insertion was attempted but failed."),
		conntrackFamily("stat_drop", "Number of packets dropped due to conntrack failure."),
		conntrackFamily("stat_early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached."),
		conntrackFamily("stat_search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes."),
	}
)

// conntrack is node_exporter's conntrack collector:
// /proc/sys/net/netfilter/nf_conntrack_{count,max} and
// /proc/net/stat/nf_conntrack summed over CPUs. Without the nf_conntrack
// module the files are absent: no data, not a failure.
type conntrack struct {
	fs  procfs.FS
	buf []byte
}

func newConntrack(env Env) (Collector, error) { return &conntrack{fs: env.FS}, nil }

func (c *conntrack) Update(emit reading.Emit) error {
	for _, x := range [...]struct {
		file string
		f    *reading.Family
	}{{"nf_conntrack_count", conntrackEntries}, {"nf_conntrack_max", conntrackLimit}} {
		buf, err := c.fs.ReadProcFile(c.buf, "sys", "net", "netfilter", x.file)
		c.buf = buf
		if err != nil {
			return noDataIfAbsent(err)
		}
		v, err := procfs.ParseUintFile(buf)
		if err != nil {
			return fmt.Errorf("%s: %w", c.fs.Proc("sys", "net", "netfilter", x.file), err)
		}
		emit(x.f, float64(v))
	}
	buf, err := c.fs.ReadNet("stat/nf_conntrack", c.buf)
	c.buf = buf
	if err != nil {
		return noDataIfAbsent(err)
	}
	s, err := procfs.ParseConntrackStat(buf)
	if err != nil {
		return fmt.Errorf("%s: %w", c.fs.Proc("net", "stat", "nf_conntrack"), err)
	}
	for i, v := range [...]uint64{s.Found, s.Invalid, s.Ignore, s.Insert, s.InsertFailed, s.Drop, s.EarlyDrop, s.SearchRestart} {
		emit(conntrackStats[i], float64(v))
	}
	return nil
}

// noDataIfAbsent turns a missing file into ErrNoData.
func noDataIfAbsent(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoData
	}
	return err
}
