package node

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// linkReader is a collector's rtnetlink link dump: one RTM_GETLINK a
// scrape in place of a file or several per device, as node_exporter's
// netdev reads by default and its netclass with
// --collector.netclass.netlink. A collector keeps one only while it
// answers; when it fails, the collector reads its files again.
type linkReader struct {
	links *procfs.Links
	buf   []procfs.Link
	// stats: the collector reads each link's counters (netdev), not its
	// attributes (netclass).
	stats bool
	log   *slog.Logger
}

// newLinkReader opens the dump for the collector name, or returns nil
// when the collector is to read files: when env reads a /proc or /sys
// other than this process's own (a fixture tree, a host's /sys mounted in
// a container), when the socket cannot be had (no permission, a seccomp
// filter, a kernel without NETLINK_ROUTE), when the kernel's dump lacks
// what the files have (netclass: IFLA_CARRIER; netdev: IFLA_STATS64 as far
// as tx_compressed), or when /sys/class/net does not list the same
// devices as the dump (a /sys mounted from another network namespace). All
// but the first are logged, once.
func newLinkReader(env Env, name string, stats bool) *linkReader {
	if !env.FS.OwnRoots() {
		return nil
	}
	log := env.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &linkReader{stats: stats, log: log.With("collector", name)}
	var err error
	if r.links, err = procfs.OpenLinks(stats); err != nil {
		r.fallBack(err)
		return nil
	}
	// A device that comes or goes between the dump and the listing makes
	// them differ once; another namespace's /sys every time.
	for range 3 {
		links, err := r.dump()
		if err != nil {
			return nil // logged
		}
		match, err := env.FS.LinksMatchSysfs(links)
		if err != nil {
			r.fallBack(err)
			return nil
		}
		if match {
			return r
		}
	}
	r.fallBack(errors.New("/sys/class/net lists other devices than the caller's network namespace has"))
	return nil
}

// dump returns every device, or an error after which the reader is
// closed and the collector reads files (logged here, once).
func (r *linkReader) dump() ([]procfs.Link, error) {
	links, err := r.links.Dump(r.buf)
	r.buf = links
	if err == nil {
		err = r.check(links)
	}
	if err != nil {
		r.fallBack(err)
		return nil, err
	}
	return links, nil
}

// errLinkLacks says a dump lacks an attribute whose file the collector
// reads.
var errLinkLacks = errors.New("the kernel's link dump lacks")

// check refuses a dump the collector could not serve the files' values
// from.
func (r *linkReader) check(links []procfs.Link) error {
	for i := range links {
		l := &links[i]
		switch {
		case !r.stats && l.Has&procfs.LinkHasCarrier == 0:
			return fmt.Errorf("%w IFLA_CARRIER (device %s)", errLinkLacks, l.Name)
		case r.stats && l.NStats < procfs.LinkRxNoHandler:
			return fmt.Errorf("%w IFLA_STATS64 (device %s)", errLinkLacks, l.Name)
		}
	}
	return nil
}

func (r *linkReader) fallBack(err error) {
	if r.links != nil {
		r.links.Close()
	}
	r.log.Info("reading files: no rtnetlink link dump", "error", err)
}
