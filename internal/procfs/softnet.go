package procfs

import "fmt"

// Softnet is one CPU's line of /proc/net/softnet_stat.
type Softnet struct {
	// CPU is the kernel's CPU number (column 13 since Linux 5.14), or the
	// line's index on older kernels.
	CPU                                       uint32
	Processed, Dropped, TimeSqueezed          uint32
	CPUCollision, ReceivedRPS, FlowLimitCount uint32
	BacklogLen                                uint32
}

// ParseSoftnet parses /proc/net/softnet_stat into dst[:0]: one line a CPU
// of hex columns, 9 on Linux 2.6.23 and more since (10 received_rps, 11
// flow_limit_count, 12 backlog length and 13 the CPU number). Columns the
// kernel does not have are 0, as node_exporter reports them.
func ParseSoftnet(b []byte, dst []Softnet) ([]Softnet, error) {
	dst = dst[:0]
	var cols [13][]byte
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		n := splitBlanks(line, cols[:])
		if n == 0 {
			continue
		}
		if n < 9 {
			return dst, fmt.Errorf("line %d: %d columns, want at least 9", lineNo, n)
		}
		var v [13]uint32
		for i := range min(n, 13) {
			x, ok := parseHex(cols[i])
			if !ok || x > 1<<32-1 {
				return dst, fmt.Errorf("line %d column %d: %q is not a 32-bit hex number", lineNo, i+1, truncated(cols[i]))
			}
			v[i] = uint32(x)
		}
		s := Softnet{
			CPU:       uint32(len(dst)),
			Processed: v[0], Dropped: v[1], TimeSqueezed: v[2], CPUCollision: v[8],
			ReceivedRPS: v[9], FlowLimitCount: v[10],
		}
		if n >= 13 {
			s.BacklogLen, s.CPU = v[11], v[12]
		}
		dst = append(dst, s)
	}
	return dst, nil
}
