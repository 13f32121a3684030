package procfs

import (
	"bytes"
	"fmt"
	"strconv"
)

// ParseNetstat parses /proc/net/netstat or /proc/net/snmp: pairs of lines,
// "Proto: Name1 Name2 ..." then "Proto: v1 v2 ...", and calls fn once a
// field. Values are signed (Tcp MaxConn is -1) and handed over as float64,
// the exposition's type. proto and field alias b.
func ParseNetstat(b []byte, fn func(proto, field []byte, v float64)) error {
	for lineNo := 1; len(b) > 0; lineNo += 2 {
		var names, values []byte
		names, b = cutLine(b)
		if len(bytes.TrimSpace(names)) == 0 {
			continue
		}
		values, b = cutLine(b)
		np, nrest, ok1 := cutProto(names)
		vp, vrest, ok2 := cutProto(values)
		if !ok1 || !ok2 || !bytes.Equal(np, vp) {
			return fmt.Errorf("line %d: want a %q line and its values, got %q then %q", lineNo, np, truncated(names), truncated(values))
		}
		for {
			var name, value []byte
			name, nrest = nextField(nrest)
			value, vrest = nextField(vrest)
			if len(name) == 0 && len(value) == 0 {
				break
			}
			if len(name) == 0 || len(value) == 0 {
				return fmt.Errorf("line %d (%s): names and values differ in count", lineNo, np)
			}
			v, err := parseSigned(value)
			if err != nil {
				return fmt.Errorf("line %d (%s) %s: %w", lineNo+1, np, name, err)
			}
			fn(np, name, v)
		}
	}
	return nil
}

// cutProto splits "Tcp: a b" into "Tcp" and " a b".
func cutProto(line []byte) (proto, rest []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return nil, nil, false
	}
	return line[:i], line[i+1:], true
}

// ParseSNMP6 parses /proc/net/snmp6: one "Ip6InReceives  123" a line. The
// protocol is the name up to and including its first '6' (Ip6, Icmp6,
// Udp6, UdpLite6), as node_exporter splits it; lines without a '6' or a
// value are skipped.
func ParseSNMP6(b []byte, fn func(proto, field []byte, v float64)) error {
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line, name, value []byte
		line, b = cutLine(b)
		name, line = nextField(line)
		value, _ = nextField(line)
		if len(value) == 0 {
			continue
		}
		six := bytes.IndexByte(name, '6')
		if six < 0 {
			continue
		}
		v, err := parseSigned(value)
		if err != nil {
			return fmt.Errorf("line %d (%s): %w", lineNo, name, err)
		}
		fn(name[:six+1], name[six+1:], v)
	}
	return nil
}

// parseSigned parses an optionally negative decimal integer, the only
// numbers these files hold, without allocating.
func parseSigned(b []byte) (float64, error) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	u, ok := parseDecimal(b)
	if !ok {
		// Fall back for what parseDecimal refuses: strconv is the
		// reference, and node_exporter takes any float.
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f != f || len(b) == 0 || b[0] == '-' || b[0] == '+' {
			return 0, fmt.Errorf("%q is not a number", truncated(b))
		}
		if neg {
			f = -f
		}
		return f, nil
	}
	if neg {
		return -float64(u), nil
	}
	return float64(u), nil
}
