package node

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// NetstatFields is node_exporter's default --collector.netstat.fields:
// the Proto_Field keys the netstat collector reports.
const NetstatFields = `^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$`

var netstatDefault = regexp.MustCompile(NetstatFields)

// netstat is node_exporter's netstat collector: /proc/net/netstat,
// /proc/net/snmp and /proc/net/snmp6 (absent when IPv6 is off), every
// field the filter keeps as untyped node_netstat_<Proto>_<Field>.
type netstat struct {
	fs     procfs.FS
	filter *regexp.Regexp
	// families caches, by protocol then field, the family of a kept field
	// and nil for a filtered one: the regexp runs once a field, not once
	// a scrape, and the lookups do not allocate.
	families map[string]map[string]*reading.Family
	buf      []byte
	emit     reading.Emit
}

func newNetstat(env Env) (Collector, error) {
	return &netstat{fs: env.FS, filter: netstatDefault, families: map[string]map[string]*reading.Family{}}, nil
}

func (c *netstat) Update(emit reading.Emit) error {
	c.emit = emit
	defer func() { c.emit = nil }()
	for _, file := range [...]string{"netstat", "snmp", "snmp6"} {
		buf, err := c.fs.ReadNet(file, c.buf)
		c.buf = buf
		if file == "snmp6" && errors.Is(err, fs.ErrNotExist) {
			continue // IPv6 turned off
		}
		if err != nil {
			return err
		}
		parse := procfs.ParseNetstat
		if file == "snmp6" {
			parse = procfs.ParseSNMP6
		}
		if err := parse(buf, c.field); err != nil {
			return fmt.Errorf("%s: %w", c.fs.Proc("net", file), err)
		}
	}
	return nil
}

func (c *netstat) field(proto, field []byte, v float64) {
	fields := c.families[string(proto)]
	if fields == nil {
		fields = map[string]*reading.Family{}
		c.families[string(proto)] = fields
	}
	f, seen := fields[string(field)]
	if !seen {
		p, n := string(proto), string(field)
		if c.filter.MatchString(p + "_" + n) {
			f = &reading.Family{Name: "node_netstat_" + p + "_" + n, Help: "Statistic " + p + n + ".", Type: reading.Untyped}
		}
		fields[n] = f
	}
	if f != nil {
		c.emit(f, v)
	}
}
