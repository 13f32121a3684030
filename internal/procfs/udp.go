package procfs

import (
	"bytes"
	"fmt"
)

// ParseUDPQueues parses /proc/net/udp or /proc/net/udp6 and sums, over
// every socket, the bytes the kernel holds in its send and receive queues:
// the fifth column, "tx_queue:rx_queue" in hex. The first line is the
// header ("sl local_address ..."); every other non-blank line is a socket
// with at least ten columns, as the kernel writes them since 2.6.
func ParseUDPQueues(b []byte) (tx, rx uint64, err error) {
	var cols [5][]byte
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		n := splitBlanks(line, cols[:])
		if lineNo == 1 {
			if n == 0 || string(cols[0]) != "sl" {
				return 0, 0, fmt.Errorf("line 1: %q is no header", truncated(line))
			}
			continue
		}
		switch {
		case n == 0:
			continue
		case n < 10:
			return 0, 0, fmt.Errorf("line %d: %d columns, want at least 10", lineNo, n)
		}
		t, r, ok := bytes.Cut(cols[4], []byte{':'})
		if !ok {
			return 0, 0, fmt.Errorf("line %d: tx_queue:rx_queue %q has no colon", lineNo, truncated(cols[4]))
		}
		tq, okT := parseHex(t)
		rq, okR := parseHex(r)
		if !okT || !okR {
			return 0, 0, fmt.Errorf("line %d: tx_queue:rx_queue %q is not hex", lineNo, truncated(cols[4]))
		}
		tx += tq
		rx += rq
	}
	return tx, rx, nil
}
