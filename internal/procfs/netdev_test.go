package procfs

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const netdevSample = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 282896868    8708    1    2    3     4          5         6   548906    5687    7    8    9    10      11         12
`

func TestParseNetDev(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []NetDev
		wantErr string
	}{
		{
			name: "headers skipped",
			in:   netdevSample,
			want: []NetDev{
				{Name: "lo", RxBytes: 3193, RxPackets: 29, TxBytes: 3193, TxPackets: 29},
				{
					Name: "eth0", RxBytes: 282896868, RxPackets: 8708, RxErrs: 1, RxDrop: 2, RxFIFO: 3, RxFrame: 4, RxCompressed: 5, RxMulticast: 6,
					TxBytes: 548906, TxPackets: 5687, TxErrs: 7, TxDrop: 8, TxFIFO: 9, TxColls: 10, TxCarrier: 11, TxCompressed: 12,
				},
			},
		},
		{name: "empty", in: "", want: []NetDev{}},
		{name: "headers only", in: strings.Join(strings.SplitN(netdevSample, "\n", 3)[:2], "\n"), want: []NetDev{}},
		{
			name: "no space after the colon and an alias name",
			in:   "eth0:1:12 1 0 0 0 0 0 0 13 1 0 0 0 0 0 0\n",
			want: []NetDev{{Name: "eth0:1", RxBytes: 12, RxPackets: 1, TxBytes: 13, TxPackets: 1}},
		},
		{
			name: "largest counter",
			in:   "wg0: 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
			want: []NetDev{{Name: "wg0", RxBytes: 1<<64 - 1}},
		},
		{name: "truncated line", in: netdevSample + "  eth1: 1 2 3\n", wantErr: "net/dev line 5 (eth1): 3 counters, want 16"},
		{name: "garbage counter", in: "eth1: 1 2 3 4 5 6 7 8 9 10 11 x 13 14 15 16\n", wantErr: `net/dev line 1 (eth1) field 12: bad number "x"`},
		{name: "no colon", in: "eth1 1 2 3\n", wantErr: "net/dev line 1: no ':'"},
		{name: "no name", in: " : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", wantErr: "empty interface name"},
		{name: "overflow", in: "e: 18446744073709551616 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", wantErr: "bad number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseNetDev([]byte(tt.in), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseNetDev(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNetDev(%q): %v", tt.in, err)
			}
			if got == nil {
				got = []NetDev{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseNetDev(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestParseNetDevAllocs(t *testing.T) {
	in := []byte(netdevSample)
	dst, err := ParseNetDev(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() { dst, err = ParseNetDev(in, dst) })
	if err != nil || allocs != 0 {
		t.Errorf("steady-state ParseNetDev: %v allocations a call, err %v; want 0", allocs, err)
	}
	fs := testFS(t, map[string]string{"proc/net/dev": netdevSample})
	dst, _, err = fs.NetDevs(dst, nil)
	if err != nil || len(dst) != 2 {
		t.Fatalf("NetDevs: %d interfaces, err %v", len(dst), err)
	}
}

func FuzzParseNetDev(f *testing.F) {
	f.Add([]byte(netdevSample))
	f.Add([]byte("a:b: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n|\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseNetDev(b, nil)
		if err != nil {
			return
		}
		for _, d := range got {
			if d.Name == "" {
				t.Errorf("ParseNetDev(%q) gave an empty interface name", b)
			}
		}
		again, err := ParseNetDev(b, got)
		if err != nil || !cmp.Equal(again, got) {
			t.Errorf("reparsing into the previous result changed it: %v", err)
		}
	})
}

func BenchmarkParseNetDev(b *testing.B) {
	in, err := os.ReadFile("../sensor/testdata/disks/proc/net/dev")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	var dst []NetDev
	b.ReportAllocs()
	for b.Loop() {
		if dst, err = ParseNetDev(in, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFSNetDevs(b *testing.B) {
	fs, err := NewFS("../sensor/testdata/disks/proc", "../sensor/testdata/disks/sys")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	var dst []NetDev
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if dst, buf, err = fs.NetDevs(dst, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFSNetDevsThisMachine reads the real /proc/net/dev.
func BenchmarkFSNetDevsThisMachine(b *testing.B) {
	fs, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	var dst []NetDev
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if dst, buf, err = fs.NetDevs(dst, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(dst)), "interfaces")
}

// BenchmarkParseNetDevFields is ParseNetDev's baseline in the same run: a
// Scanner, strings.Fields and strconv.ParseUint reader.
func BenchmarkParseNetDevFields(b *testing.B) {
	in, err := os.ReadFile("../sensor/testdata/disks/proc/net/dev")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out []NetDev
		sc := bufio.NewScanner(bytes.NewReader(in))
		for sc.Scan() {
			line := sc.Text()
			name, rest, ok := strings.Cut(line, ":")
			if !ok || strings.Contains(line, "|") {
				continue
			}
			f := strings.Fields(rest)
			var v [16]uint64
			for i := range v {
				if v[i], err = strconv.ParseUint(f[i], 10, 64); err != nil {
					b.Fatal(err)
				}
			}
			out = append(out, NetDev{Name: strings.TrimSpace(name), RxBytes: v[0], RxPackets: v[1], TxBytes: v[8], TxPackets: v[9]})
		}
		_ = out
	}
}
