package procfs

import (
	"math"
	"strconv"
	"testing"
)

// parseUint is strconv's answer in parseDigits' terms: 0 on any error,
// where strconv gives the largest value for one out of range.
func parseUint(s string, base int) (uint64, error) {
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, err
	}
	return v, nil
}

// The parsers share one digit loop: each must agree with strconv, which
// takes no sign or prefix either when given a base.
func FuzzParseDigits(f *testing.F) {
	for _, s := range []string{"", "0", "7", "19", "ff", "FF", "1a", "-1", "+1", "0x10", "1_0",
		"18446744073709551615", "18446744073709551616", "ffffffffffffffff", "10000000000000000",
		"9223372036854775808", "9223372036854775809", "1000000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, base := range []uint64{8, 10, 16} {
			want, err := parseUint(s, int(base))
			if got, ok := parseDigits([]byte(s), base, math.MaxUint64); ok != (err == nil) || got != want {
				t.Errorf("parseDigits(%q, %d) = %d, %v; strconv: %d, %v", s, base, got, ok, want, err)
			}
			lim, lerr := want, err
			if err == nil && want > 1<<63 {
				lim, lerr = 0, strconv.ErrRange
			}
			if got, ok := parseDigits([]byte(s), base, 1<<63); ok != (lerr == nil) || got != lim {
				t.Errorf("parseDigits(%q, %d, 1<<63) = %d, %v; want %d, %v", s, base, got, ok, lim, lerr)
			}
		}
		want, err := parseUint(s, 10)
		if got, ok := parseDecimal([]byte(s)); ok != (err == nil) || got != want {
			t.Errorf("parseDecimal(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
		want, err = parseUint(s, 16)
		if got, ok := parseHex([]byte(s)); ok != (err == nil) || got != want {
			t.Errorf("parseHex(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	})
}
