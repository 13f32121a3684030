package procfs

import "math"

// parseDigits parses b as an unsigned number in base (8, 10 or 16, no
// prefix, no sign) without allocating; it rejects empty input, a byte
// that is no digit of base and a value above limit.
func parseDigits(b []byte, base, limit uint64) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base || v > (limit-d)/base {
			return 0, false
		}
		v = v*base + d
	}
	return v, true
}

// parseDecimal parses a decimal uint64 without allocating.
func parseDecimal(b []byte) (uint64, bool) { return parseDigits(b, 10, math.MaxUint64) }

// parseHex parses a hex uint64 without a prefix and without allocating.
func parseHex(b []byte) (uint64, bool) { return parseDigits(b, 16, math.MaxUint64) }
