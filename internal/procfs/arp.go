package procfs

import "fmt"

// ParseARP parses /proc/net/arp and calls fn with each entry's device
// (aliasing b). The header line has nine words and is skipped; every other
// non-blank line must have six columns, IP address to Device. The kernel
// leaves NOARP entries out of this file, which is what node_exporter's
// netlink reading skips too.
func ParseARP(b []byte, fn func(device []byte)) error {
	var cols [7][]byte
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		switch n := splitBlanks(line, cols[:]); n {
		case 0, 9:
		case 6:
			fn(cols[5])
		default:
			return fmt.Errorf("line %d: %d columns, want 6", lineNo, n)
		}
	}
	return nil
}
