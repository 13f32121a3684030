package procfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const schedstatTwoCPUs = `version 15
timestamp 4295878440
cpu0 0 0 0 0 0 0 2406426917652 224466391455 5866163
domain0 00000003 27905 27585 234 314 86 0 0 27585 1001 987 12 2 2 0 0 987 1432 1311 84 37 37 0 0 1311 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0
cpu1 0 0 0 0 0 0 2414437186302 231578716424 5862385
domain0 00000003 27818 27534 223 284 62 0 0 27534 950 941 7 2 2 0 0 941 1424 1330 74 21 21 0 0 1330 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0
`

func TestParseCPUSchedstat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []CPUSchedstat
		wantErr string
	}{
		{
			name: "two cpus with domains",
			in:   schedstatTwoCPUs,
			want: []CPUSchedstat{{0, 2406426917652, 224466391455, 5866163}, {1, 2414437186302, 231578716424, 5862385}},
		},
		{name: "no cpu lines", in: "version 15\ntimestamp 1\n", want: []CPUSchedstat{}},
		{name: "a future column", in: "cpu3 1 2 3 4 5 6 7 8 9 10", want: []CPUSchedstat{{3, 7, 8, 9}}},
		{name: "old version, too few fields", in: "cpu0 1 2 3 4 5 6 7 8\n", wantErr: "line 1 (cpu0): 8 fields, want 9"},
		{name: "garbage", in: "cpu0 1 2 3 4 5 6 x 8 9\n", wantErr: `line 1 (cpu0): field 7: "x" is not a number`},
		{name: "bad cpu name", in: "cpux 1 2 3 4 5 6 7 8 9\n", wantErr: `line 1: bad cpu name "cpux"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCPUSchedstat([]byte(tt.in), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCPUSchedstat(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				got = []CPUSchedstat{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCPUSchedstat(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestReadCPUSchedstatMissing(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "proc"), 0o755)
	os.WriteFile(filepath.Join(root, "proc", "stat"), []byte("cpu 1 2 3 4\n"), 0o644)
	fsys, err := NewFS(filepath.Join(root, "proc"), root)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fsys.CPUSchedstat(nil, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CPUSchedstat without the file: error %v, want fs.ErrNotExist", err)
	}
}

func FuzzParseCPUSchedstat(f *testing.F) {
	f.Add([]byte(schedstatTwoCPUs))
	f.Add([]byte("cpu0 1 2 3 4 5 6 7 8"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseCPUSchedstat(b, nil)
		if err == nil {
			for _, c := range got {
				if c.ID < 0 || c.ID > 1<<20 {
					t.Errorf("cpu id %d out of range", c.ID)
				}
			}
		}
	})
}
