package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var sockstatUsed = &reading.Family{Name: "node_sockstat_sockets_used", Help: "Number of IPv4 sockets in use.", Type: reading.Gauge}

// sockstatKeys are the keys node_exporter reports; others are skipped.
var sockstatKeys = map[string]bool{"inuse": true, "orphan": true, "tw": true, "alloc": true, "mem": true, "memory": true}

// sockstat is node_exporter's sockstat collector: /proc/net/sockstat and
// sockstat6 (either may be absent when its IP version is off), one gauge
// node_sockstat_<PROTO>_<key> a pair, and <PROTO>_mem_bytes for the mem
// counts, which are pages.
type sockstat struct {
	fs       procfs.FS
	pageSize int64
	families map[string]map[string]*reading.Family
	buf      []byte
	emit     reading.Emit
	v6       bool
}

func newSockstat(env Env) (Collector, error) {
	return &sockstat{fs: env.FS, pageSize: int64(os.Getpagesize()), families: map[string]map[string]*reading.Family{}}, nil
}

func (c *sockstat) Update(emit reading.Emit) error {
	c.emit = emit
	defer func() { c.emit = nil }()
	for _, file := range [...]string{"sockstat", "sockstat6"} {
		buf, err := c.fs.ReadNet(file, c.buf)
		c.buf = buf
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		c.v6 = file == "sockstat6"
		if err := procfs.ParseSockstat(buf, c.pair); err != nil {
			return fmt.Errorf("%s: %w", c.fs.Proc("net", file), err)
		}
	}
	return nil
}

func (c *sockstat) pair(proto, key []byte, v int64) {
	if string(proto) == "sockets" {
		if !c.v6 && string(key) == "used" {
			c.emit(sockstatUsed, float64(v))
		}
		return
	}
	if f := c.family(proto, key); f != nil {
		c.emit(f, float64(v))
	}
	if string(key) == "mem" {
		c.emit(c.family(proto, []byte("mem_bytes")), float64(v*c.pageSize))
	}
}

func (c *sockstat) family(proto, key []byte) *reading.Family {
	keys := c.families[string(proto)]
	if keys == nil {
		keys = map[string]*reading.Family{}
		c.families[string(proto)] = keys
	}
	f, seen := keys[string(key)]
	if !seen {
		p, k := string(proto), string(key)
		if sockstatKeys[k] || k == "mem_bytes" {
			f = &reading.Family{Name: "node_sockstat_" + p + "_" + k, Help: "Number of " + p + " sockets in state " + k + ".", Type: reading.Gauge}
		}
		keys[k] = f
	}
	return f
}
