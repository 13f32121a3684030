package procfs

import (
	"bytes"
	"fmt"
)

// ParseSockstat parses /proc/net/sockstat or sockstat6: lines of
// "PROTO: key value key value ...", calling fn for each pair. The first
// line of sockstat is "sockets: used N"; it comes through as proto
// "sockets". proto and key alias b.
func ParseSockstat(b []byte, fn func(proto, key []byte, v int64)) error {
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		proto, rest, ok := cutProto(line)
		if !ok {
			return fmt.Errorf("line %d: no protocol in %q", lineNo, truncated(line))
		}
		pairs := 0
		for {
			var key, value []byte
			key, rest = nextField(rest)
			if len(key) == 0 {
				break
			}
			value, rest = nextField(rest)
			if len(value) == 0 {
				return fmt.Errorf("line %d (%s): %s has no value", lineNo, proto, key)
			}
			v, err := parseSigned(value)
			if err != nil || v != float64(int64(v)) {
				return fmt.Errorf("line %d (%s) %s: %q is not an integer", lineNo, proto, key, truncated(value))
			}
			fn(proto, key, int64(v))
			pairs++
		}
		if pairs == 0 {
			return fmt.Errorf("line %d (%s): no values", lineNo, proto)
		}
	}
	return nil
}
