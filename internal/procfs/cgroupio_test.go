package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCgroupIOStat(t *testing.T) {
	tests := []struct {
		name, in string
		want     CgroupIO
		wantErr  bool
	}{
		{"empty: no I/O yet", "", CgroupIO{}, false},
		{"two devices summed",
			"8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=100 wbytes=1 rios=1 wios=1 dbytes=0 dios=0\n",
			CgroupIO{ReadBytes: 4196, WrittenBytes: 8193}, false},
		{"unknown keys skipped", "8:0 rbytes=1 future=x wbytes=2\n", CgroupIO{ReadBytes: 1, WrittenBytes: 2}, false},
		{"bad number", "8:0 rbytes=x wbytes=2\n", CgroupIO{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCgroupIOStat([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCgroupIOStat(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCgroupIOStat(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseCgroupIOStat(f *testing.F) {
	f.Add([]byte("8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseCgroupIOStat(b)
	})
}
