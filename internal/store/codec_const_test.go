package store

import (
	"math"
	"testing"
)

// TestConstChunks checks that a series holding still for a span costs a
// few bytes when its value is a short decimal, and that every constant
// comes back bit for bit (negative zero and values with no short decimal
// form keep their float64).
func TestConstChunks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       float64
		maxSize int
	}{
		{"zero", 0, 6},
		{"limit", 2 << 30, 10},
		{"two places", 12.34, 7},
		{"negative", -3, 6},
		{"negative zero", math.Copysign(0, -1), 14},
		{"noisy", 37.23848231123, 14},
		{"huge", 1e300, 14},
		{"nan", math.NaN(), 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals := make([]float64, 300)
			for i := range vals {
				vals[i] = tt.v
			}
			b := appendSharedChunk(nil, vals)
			if len(b) > tt.maxSize {
				t.Errorf("chunk of 300 × %v is %d bytes, want at most %d", tt.v, len(b), tt.maxSize)
			}
			shared := make([]int64, len(vals))
			cols := make([][]float64, 1)
			if _, err := decodeChunk(b, shared, nil, cols); err != nil {
				t.Fatal(err)
			}
			if len(cols[0]) != len(vals) {
				t.Fatalf("decoded %d values, want %d", len(cols[0]), len(vals))
			}
			for i, v := range cols[0] {
				if math.Float64bits(v) != math.Float64bits(tt.v) {
					t.Fatalf("value %d = %v (bits %x), want %v (bits %x)", i, v, math.Float64bits(v), tt.v, math.Float64bits(tt.v))
				}
			}
		})
	}
}
