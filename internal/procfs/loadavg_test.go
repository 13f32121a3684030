package procfs

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLoadAvg(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    LoadAvg
		wantErr string
	}{
		{"typical", "0.63 0.17 0.05 1/94 11442\n", LoadAvg{0.63, 0.17, 0.05, 1, 94, 11442}, ""},
		{"busy 64 cores", "71.25 64.02 60.99 70/1893 402211\n", LoadAvg{71.25, 64.02, 60.99, 70, 1893, 402211}, ""},
		{"no last pid", "1.00 2.00 3.00 2/10", LoadAvg{1, 2, 3, 2, 10, 0}, ""},
		{"integer loads", "1 2 3 4/5 6", LoadAvg{1, 2, 3, 4, 5, 6}, ""},
		{"empty", "", LoadAvg{}, "empty file"},
		{"truncated", "0.63 0.17", LoadAvg{}, `15-minute load: "" is not a number`},
		{"no slash", "0.63 0.17 0.05 94 1", LoadAvg{}, `tasks: "94" is not runnable/total`},
		{"garbage load", "high 0.17 0.05 1/94 1", LoadAvg{}, `1-minute load: "high" is not a number`},
		{"negative", "-1.0 0.17 0.05 1/94 1", LoadAvg{}, `1-minute load: "-1.0"`},
		{"dot only", ". 0.17 0.05 1/94 1", LoadAvg{}, "1-minute load"},
		{"trailing dot", "1. 0.17 0.05 1/94 1", LoadAvg{}, "1-minute load"},
		{"bad total", "1 1 1 1/x 1", LoadAvg{}, `total tasks: "x"`},
		{"bad pid", "1 1 1 1/2 x", LoadAvg{}, `last pid: "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLoadAvg([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseLoadAvg(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLoadAvg(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLoadAvg(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseLoadAvg(f *testing.F) {
	f.Add([]byte("0.63 0.17 0.05 1/94 11442\n"))
	f.Add([]byte("1 2 3 4/5"))
	f.Add([]byte("1.2.3 0 0 0/0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLoadAvg(b)
		if err != nil {
			return
		}
		if l.Load1 < 0 || l.Load5 < 0 || l.Load15 < 0 {
			t.Errorf("ParseLoadAvg(%q) = %+v: negative load", b, l)
		}
	})
}

func BenchmarkParseLoadAvg(b *testing.B) {
	in := []byte("0.63 0.17 0.05 1/94 11442\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseLoadAvg(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStatDecimalRoundsAsStrconv: loads and pressure averages must be the
// float strconv.ParseFloat gives, or /metrics shows 1.6800000000000002
// where node_exporter shows 1.68.
func TestStatDecimalRoundsAsStrconv(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"1.68", "0.1", "12.34", "99.99", "3.07", "0.68", "1234567.89", "0.000001"} {
		want, _ := strconv.ParseFloat(s, 64)
		if got, ok := statDecimal([]byte(s)); !ok || got != want {
			t.Errorf("statDecimal(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
