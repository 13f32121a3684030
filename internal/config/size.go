package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Size is a number of bytes written with a unit: 500MiB, 2GiB, 300MB, or
// bare bytes.
type Size int64

// sizeUnits are the units a Size may carry, binary and decimal, longest
// first so "MiB" is not read as "B" after a number "500Mi".
var sizeUnits = []struct {
	suffix string
	bytes  int64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"kB", 1e3}, {"B", 1},
}

// UnmarshalYAML reads a size with its unit.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseSize(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		// A TypeError lets decoding go on to the file's other mistakes.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, notSize(n.Value))}}
	}
	*s = Size(v)
	return nil
}

// parseSize reads a whole or decimal number and a unit ("1.5GiB"); a
// bare number is bytes.
func parseSize(s string) (int64, error) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.bytes
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	// ParseFloat takes "inf", "nan" and hex floats; a size is decimal.
	if err != nil || num == "" || strings.ContainsAny(num, "xXpPnN_") || f < 0 || f*float64(mult) >= math.MaxInt64 {
		return 0, notSize(s)
	}
	return int64(math.Round(f * float64(mult))), nil
}

func notSize(s string) error {
	return fmt.Errorf("%q is not a size (write it like 500MiB, 2GiB or 300MB)", s)
}

// MinStoreMaxSize is the smallest history budget: below it a day of raw
// readings of a small machine would not fit.
const MinStoreMaxSize = 16 << 20
