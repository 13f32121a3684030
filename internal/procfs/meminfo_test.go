package procfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMemInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    MemInfo
		wantErr string
	}{
		{
			name: "modern kernel",
			in: "MemTotal:       24684084 kB\nMemFree:        24068444 kB\nMemAvailable:   24247872 kB\n" +
				"Buffers:            7284 kB\nCached:           338564 kB\nSwapCached:            0 kB\n" +
				"Active(anon):       1568 kB\nSwapTotal:        2097148 kB\nSwapFree:         2000000 kB\n" +
				"Shmem:              8872 kB\nSReclaimable:     106540 kB\nHugePages_Total:       4\n",
			want: MemInfo{
				Fields: []MemInfoField{
					{"MemTotal", 24684084 << 10, true}, {"MemFree", 24068444 << 10, true},
					{"MemAvailable", 24247872 << 10, true}, {"Buffers", 7284 << 10, true},
					{"Cached", 338564 << 10, true}, {"SwapCached", 0, true},
					{"Active(anon)", 1568 << 10, true}, {"SwapTotal", 2097148 << 10, true},
					{"SwapFree", 2000000 << 10, true}, {"Shmem", 8872 << 10, true},
					{"SReclaimable", 106540 << 10, true}, {"HugePages_Total", 4, false},
				},
				MemTotal: 24684084 << 10, MemFree: 24068444 << 10, MemAvailable: 24247872 << 10,
				Buffers: 7284 << 10, Cached: 338564 << 10, SReclaimable: 106540 << 10, Shmem: 8872 << 10,
				SwapTotal: 2097148 << 10, SwapFree: 2000000 << 10, HasAvailable: true,
			},
		},
		{
			name: "kernel before 3.14 without MemAvailable",
			in:   "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n",
			want: MemInfo{
				Fields: []MemInfoField{
					{"MemTotal", 1000 << 10, true}, {"MemFree", 100 << 10, true},
					{"Buffers", 10 << 10, true}, {"Cached", 200 << 10, true},
				},
				MemTotal: 1000 << 10, MemFree: 100 << 10, Buffers: 10 << 10, Cached: 200 << 10,
			},
		},
		{name: "empty", in: "", wantErr: "empty file"},
		{name: "blank lines only", in: "\n\n", wantErr: "empty file"},
		{name: "truncated mid-line", in: "MemTotal: 1000 kB\nMemFr", wantErr: `line 2: "MemFr" has no "name:"`},
		{name: "truncated value", in: "MemTotal:", wantErr: `line 1 (MemTotal): "" is not a number`},
		{name: "garbage value", in: "MemTotal: lots kB\n", wantErr: `line 1 (MemTotal): "lots" is not a number`},
		{name: "unknown unit", in: "MemTotal: 5 MB\n", wantErr: `line 1 (MemTotal): unknown unit "MB"`},
		{name: "overflow", in: "MemTotal: 18446744073709551615 kB\n", wantErr: "overflows"},
		{name: "no MemTotal", in: "MemFree: 5 kB\n", wantErr: "no MemTotal line"},
		{name: "binary garbage", in: "\x00\x01\x02", wantErr: "has no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got MemInfo
			err := ParseMemInfo([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMemInfo(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMemInfo(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMemInfo(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestParseMemInfoReusesFields(t *testing.T) {
	b := readTestdata(t, "meminfo")
	var m MemInfo
	if err := ParseMemInfo(b, &m); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := ParseMemInfo(b, &m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParseMemInfo on a reused MemInfo allocates %v times per call, want 0", allocs)
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzParseMemInfo(f *testing.F) {
	f.Add(readTestdata(f, "meminfo"))
	f.Add([]byte("MemTotal: 1 kB\nHugePages_Total: 0\n"))
	f.Add([]byte("MemTotal:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m MemInfo
		if err := ParseMemInfo(b, &m); err != nil {
			return
		}
		if m.MemTotal == 0 || len(m.Fields) == 0 {
			t.Errorf("ParseMemInfo accepted %q without MemTotal", b)
		}
	})
}

func BenchmarkParseMemInfo(b *testing.B) {
	in := readTestdata(b, "meminfo")
	var m MemInfo
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseMemInfo(in, &m); err != nil {
			b.Fatal(err)
		}
	}
}
