package procfs

import (
	"bytes"
	"fmt"
)

// NetDev is one interface's line of /proc/net/dev: cumulative counters since
// the interface was created.
type NetDev struct {
	Name string

	RxBytes, RxPackets, RxErrs, RxDrop, RxFIFO, RxFrame, RxCompressed, RxMulticast uint64
	TxBytes, TxPackets, TxErrs, TxDrop, TxFIFO, TxColls, TxCarrier, TxCompressed   uint64
}

// NetDevs reads <proc>/net/dev into dst, reusing its capacity, interface
// names and buf as Diskstats does.
func (fs FS) NetDevs(dst []NetDev, buf []byte) ([]NetDev, []byte, error) {
	path := fs.Proc("net", "dev")
	buf, err := fs.read(path, buf)
	if err != nil {
		return dst[:0], buf, err
	}
	if dst, err = ParseNetDev(buf, dst); err != nil {
		return dst, buf, fmt.Errorf("%s: %w", path, err)
	}
	return dst, buf, nil
}

// ParseNetDev parses the contents of /proc/net/dev into dst[:0]. The two
// header lines are recognised by their '|' and skipped; every other
// non-blank line must be "name: 16 numbers". Interface names may contain
// ':' (alias names such as "eth0:1" on old kernels), so the name ends at the
// last ':' before the first number.
func ParseNetDev(b []byte, dst []NetDev) ([]NetDev, error) {
	dst = dst[:0]
	var fields [17][]byte
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if bytes.IndexByte(line, '|') >= 0 {
			continue
		}
		colon := bytes.LastIndexByte(line, ':')
		if colon < 0 {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			return dst, fmt.Errorf("net/dev line %d: no ':' after the interface name", lineNo)
		}
		nameb := bytes.TrimSpace(line[:colon])
		if len(nameb) == 0 {
			return dst, fmt.Errorf("net/dev line %d: empty interface name", lineNo)
		}
		n := splitBlanks(line[colon+1:], fields[:])
		if n != 16 {
			return dst, fmt.Errorf("net/dev line %d (%s): %d counters, want 16", lineNo, nameb, n)
		}
		var v [16]uint64
		for i := range v {
			x, ok := parseDecimal(fields[i])
			if !ok {
				return dst, fmt.Errorf("net/dev line %d (%s) field %d: bad number %q", lineNo, nameb, i+1, fields[i])
			}
			v[i] = x
		}
		var name string
		if len(dst) < cap(dst) {
			name = dst[:len(dst)+1][len(dst)].Name
		}
		if name != string(nameb) {
			name = string(nameb)
		}
		dst = append(dst, NetDev{
			Name:    name,
			RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3],
			RxFIFO: v[4], RxFrame: v[5], RxCompressed: v[6], RxMulticast: v[7],
			TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11],
			TxFIFO: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15],
		})
	}
	return dst, nil
}
