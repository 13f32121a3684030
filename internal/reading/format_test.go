package reading

import (
	"math"
	"testing"
)

func TestUnitFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		u    Unit
		want string
	}{
		{41.25, Percent, "41.2%"},
		{1023, Bytes, "1023 B"},
		{1536, Bytes, "1.5 KiB"},
		{8 << 30, Bytes, "8.0 GiB"},
		{300 << 20, BytesPerSecond, "300 MiB/s"},
		{45.5, Celsius, "45.5°C"},
		{1200, RPM, "1200 rpm"},
		{3, None, "3"},
		{0.52, None, "0.52"},
		{math.NaN(), Percent, "–"},
	}
	for _, tt := range tests {
		if got := tt.u.Format(tt.v); got != tt.want {
			t.Errorf("Unit(%q).Format(%v) = %q, want %q", tt.u, tt.v, got, tt.want)
		}
	}
}

// TestFormatBytesNotANumber: the watch line of a memory reading without
// mem.used formats the NaN that Value gives for it.
func TestFormatBytesNotANumber(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := FormatBytes(v); got != "–" {
			t.Errorf("FormatBytes(%v) = %q, want –", v, got)
		}
	}
}
