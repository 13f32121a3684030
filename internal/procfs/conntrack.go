package procfs

import (
	"bytes"
	"fmt"
)

// ConntrackStat is /proc/net/stat/nf_conntrack summed over CPUs: the
// columns node_exporter reports.
type ConntrackStat struct {
	Found, Invalid, Ignore, Insert, InsertFailed, Drop, EarlyDrop, SearchRestart uint64
}

// conntrackColumns are the header names of the columns ConntrackStat
// keeps, in its field order.
var conntrackColumns = [8]string{"found", "invalid", "ignore", "insert", "insert_failed", "drop", "early_drop", "search_restart"}

// ParseConntrackStat parses /proc/net/stat/nf_conntrack: a header line of
// column names, then one line of hex numbers a CPU. Columns are found by
// their header name, so that a kernel that renames or adds one (5.x turned
// "searched" into "clashres") still reads right; a kept column the header
// lacks is 0, as node_exporter leaves search_restart on old kernels.
func ParseConntrackStat(b []byte) (ConntrackStat, error) {
	var s ConntrackStat
	header, b := cutLine(b)
	var idx [len(conntrackColumns)]int
	for i := range idx {
		idx[i] = -1
	}
	var cols [32][]byte
	n := splitBlanks(header, cols[:])
	if n == 0 || n > len(cols) {
		return s, fmt.Errorf("header: %d columns", n)
	}
	for c := range n {
		for k, name := range conntrackColumns {
			if string(cols[c]) == name {
				idx[k] = c
			}
		}
	}
	if idx[0] < 0 {
		return s, fmt.Errorf("header %q has no found column", truncated(header))
	}
	sums := [len(conntrackColumns)]*uint64{&s.Found, &s.Invalid, &s.Ignore, &s.Insert, &s.InsertFailed, &s.Drop, &s.EarlyDrop, &s.SearchRestart}
	for lineNo := 2; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if m := splitBlanks(line, cols[:]); m != n {
			return ConntrackStat{}, fmt.Errorf("line %d: %d columns, header has %d", lineNo, m, n)
		}
		for k, c := range idx {
			if c < 0 {
				continue
			}
			v, ok := parseHex(cols[c])
			if !ok {
				return ConntrackStat{}, fmt.Errorf("line %d %s: %q is not a hex number", lineNo, conntrackColumns[k], truncated(cols[c]))
			}
			*sums[k] += v
		}
	}
	return s, nil
}
