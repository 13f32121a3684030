package procfs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const udpHeader = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n"

func TestParseUDPQueues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     [2]uint64
		wantErr  string
	}{
		{"no sockets", udpHeader, [2]uint64{}, ""},
		{"two sockets", udpHeader +
			"  123: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 21021 2 0000000000000000 0\n" +
			" 1024: 00000000:0044 00000000:0000 07 00000A00:0001E200 00:00000000 00000000     0        0 19003 2 0000000000000000 12\n",
			[2]uint64{0xa00, 0x1e200}, ""},
		{"udp6, upper-case hex, no trailing newline",
			"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
				"  5: 00000000000000000000000001000000:0223 00000000000000000000000000000000:0000 07 000000FF:00000001 00:00000000 00000000     0        0 31 2 0000000000000000 0",
			[2]uint64{0xff, 1}, ""},
		{"blank lines", udpHeader + "\n  1: 0:1 0:0 07 00000001:00000002 00:00000000 00000000 0 0 1 2 0 0\n\n", [2]uint64{1, 2}, ""},
		{"empty", "", [2]uint64{}, ""},
		{"no header", "  1: 0:1 0:0 07 00000001:00000002 00:00000000 00000000 0 0 1 2 0 0\n", [2]uint64{}, "no header"},
		{"short line", udpHeader + "  1: 0:1 0:0 07 00000001:00000002\n", [2]uint64{}, "line 2: 5 columns"},
		{"no colon", udpHeader + "  1: 0:1 0:0 07 0000000100000002 00:00000000 00000000 0 0 1 2 0 0\n", [2]uint64{}, "no colon"},
		{"not hex", udpHeader + "  1: 0:1 0:0 07 0000000g:00000002 00:00000000 00000000 0 0 1 2 0 0\n", [2]uint64{}, "not hex"},
		{"empty rx", udpHeader + "  1: 0:1 0:0 07 00000001: 00:00000000 00000000 0 0 1 2 0 0\n", [2]uint64{}, "not hex"},
		{"overflow", udpHeader + "  1: 0:1 0:0 07 10000000000000000:0 00:00000000 00000000 0 0 1 2 0 0\n", [2]uint64{}, "not hex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tx, rx, err := ParseUDPQueues([]byte(tt.in))
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) || tt.wantErr == "" && err != nil {
				t.Fatalf("ParseUDPQueues error = %v, want %q", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, [2]uint64{tx, rx}); diff != "" {
				t.Errorf("ParseUDPQueues (tx, rx) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkParseUDPQueues(b *testing.B) {
	in := []byte(udpHeader + strings.Repeat("  123: 3500007F:0035 00000000:0000 07 00000000:00000300 00:00000000 00000000   101        0 21021 2 0000000000000000 0\n", 200))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseUDPQueues(in); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParseUDPQueues: any input gives sums or an error, never a panic, and
// a file of only its header sums to zero.
func FuzzParseUDPQueues(f *testing.F) {
	f.Add([]byte(udpHeader + "  1: 0:1 0:0 07 00000001:00000002 00:00000000 00000000 0 0 1 2 0 0\n"))
	f.Add([]byte("sl\n 1: a b c d:e f g h i j\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, rx, err := ParseUDPQueues(b)
		if err != nil && (tx != 0 || rx != 0) {
			t.Errorf("error %v with sums %d, %d", err, tx, rx)
		}
	})
}
