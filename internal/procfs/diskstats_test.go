package procfs

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const diskstatsSample = `   7       0 loop0 1210 0 2620 108 0 0 0 0 0 196 108 0 0 0 0 0 0
 259       0 nvme0n1 1105361 229766 94839362 227011 2893457 1520180 158339522 3279474 0 1430788 3647606 10 0 20480 5 135521 141120
   8       0 sda 52144 1245 6250818 91040 1421 3210 113456 20314 2 47304 111354
`

func TestParseDiskstats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []DiskStat
		wantErr string
	}{
		{
			name: "kernels with 20, 14 and 18 fields",
			in:   diskstatsSample,
			want: []DiskStat{
				{Major: 7, Minor: 0, Name: "loop0", ReadsCompleted: 1210, SectorsRead: 2620, ReadTimeMs: 108, IOTimeMs: 196, WeightedIOMs: 108, Fields: 17},
				{
					Major: 259, Name: "nvme0n1", ReadsCompleted: 1105361, ReadsMerged: 229766, SectorsRead: 94839362, ReadTimeMs: 227011,
					WritesCompleted: 2893457, WritesMerged: 1520180, SectorsWritten: 158339522, WriteTimeMs: 3279474,
					IOTimeMs: 1430788, WeightedIOMs: 3647606, DiscardsCompleted: 10, SectorsDiscarded: 20480, DiscardTimeMs: 5,
					FlushesCompleted: 135521, FlushTimeMs: 141120, Fields: 17,
				},
				{
					Major: 8, Name: "sda", ReadsCompleted: 52144, ReadsMerged: 1245, SectorsRead: 6250818, ReadTimeMs: 91040,
					WritesCompleted: 1421, WritesMerged: 3210, SectorsWritten: 113456, WriteTimeMs: 20314, IOsInProgress: 2,
					IOTimeMs: 47304, WeightedIOMs: 111354, Fields: 11,
				},
			},
		},
		{name: "empty", in: "", want: []DiskStat{}},
		{name: "blank lines and no final newline", in: "\n\n 8 0 sda 1 2 3 4 5 6 7 8 9 10 11", want: []DiskStat{
			{Major: 8, Name: "sda", ReadsCompleted: 1, ReadsMerged: 2, SectorsRead: 3, ReadTimeMs: 4, WritesCompleted: 5,
				WritesMerged: 6, SectorsWritten: 7, WriteTimeMs: 8, IOsInProgress: 9, IOTimeMs: 10, WeightedIOMs: 11, Fields: 11},
		}},
		{name: "truncated line", in: "8 0 sda 1 2 3\n", wantErr: "diskstats line 1: 6 fields, want at least 14"},
		{name: "garbage counter", in: diskstatsSample + "8 16 sdb 1 2 3 4 5 x 7 8 9 10 11\n", wantErr: `diskstats line 4 field 9: bad number "x"`},
		{name: "negative counter", in: "8 16 sdb 1 2 3 4 5 -6 7 8 9 10 11\n", wantErr: `bad number "-6"`},
		{name: "overflowing counter", in: "8 16 sdb 1 2 3 4 5 99999999999999999999 7 8 9 10 11\n", wantErr: "bad number"},
		{name: "bad major", in: "x 16 sdb 1 2 3 4 5 6 7 8 9 10 11\n", wantErr: "bad device number"},
		{name: "major too large", in: "4294967296 16 sdb 1 2 3 4 5 6 7 8 9 10 11\n", wantErr: "bad device number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDiskstats([]byte(tt.in), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDiskstats(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDiskstats(%q): %v", tt.in, err)
			}
			if got == nil {
				got = []DiskStat{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseDiskstats(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestParseDiskstatsReusesNames(t *testing.T) {
	dst, err := ParseDiskstats([]byte(diskstatsSample), nil)
	if err != nil {
		t.Fatal(err)
	}
	first := dst[1].Name
	in := []byte(diskstatsSample)
	allocs := testing.AllocsPerRun(100, func() {
		dst, err = ParseDiskstats(in, dst)
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("steady-state ParseDiskstats allocates %v times a call, want 0", allocs)
	}
	if dst[1].Name != first || len(dst) != 3 {
		t.Errorf("second parse gave %d devices, name %q, want 3 and %q", len(dst), dst[1].Name, first)
	}
	// A device that replaced another at the same position gets its own name.
	dst, err = ParseDiskstats([]byte(strings.Replace(diskstatsSample, "nvme0n1", "nvme1n1", 1)), dst)
	if err != nil || dst[1].Name != "nvme1n1" {
		t.Errorf("after a device change got name %q, err %v; want nvme1n1", dst[1].Name, err)
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestFSDiskstats(t *testing.T) {
	fs := testFS(t, map[string]string{"proc/diskstats": diskstatsSample})
	got, buf, err := fs.Diskstats(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(buf) != diskstatsSample {
		t.Errorf("Diskstats read %d devices from %q", len(got), buf)
	}
	allocs := testing.AllocsPerRun(50, func() { got, buf, err = fs.Diskstats(got, buf) })
	// Joining the path and handing it to the kernel allocate (3 today);
	// reading and parsing must add nothing.
	if allocs > 3 {
		t.Errorf("steady-state Diskstats allocates %v times a read, want at most 3", allocs)
	}
	if _, _, err := testFS(t, nil).Diskstats(nil, nil); err == nil {
		t.Error("Diskstats without the file: no error")
	}
}

// testFS builds a proc and sys tree in a temporary directory from files
// given by path under the root ("proc/diskstats"); proc/stat is added so
// NewFS accepts it.
func testFS(t *testing.T, files map[string]string) FS {
	t.Helper()
	root := t.TempDir()
	if files == nil {
		files = map[string]string{}
	}
	if _, ok := files["proc/stat"]; !ok {
		files["proc/stat"] = "cpu  1 2 3 4 5 6 7 8 0 0\n"
	}
	for p, body := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "sys"), 0o755); err != nil {
		t.Fatal(err)
	}
	fs, err := NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func FuzzParseDiskstats(f *testing.F) {
	f.Add([]byte(diskstatsSample))
	f.Add([]byte("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n"))
	f.Add([]byte("8 0 sda 1 2\n\t\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseDiskstats(b, nil)
		if err != nil {
			return
		}
		for _, d := range got {
			if d.Name == "" || strings.ContainsAny(d.Name, " \t\n") {
				t.Errorf("ParseDiskstats(%q) gave device name %q", b, d.Name)
			}
		}
		again, err := ParseDiskstats(b, got)
		if err != nil || !cmp.Equal(again, got) {
			t.Errorf("reparsing into the previous result changed it: %v", err)
		}
	})
}

func BenchmarkParseDiskstats(b *testing.B) {
	in, err := os.ReadFile("../sensor/testdata/disks/proc/diskstats")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	var dst []DiskStat
	b.ReportAllocs()
	for b.Loop() {
		dst, err = ParseDiskstats(in, dst)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFSDiskstats(b *testing.B) {
	fs, err := NewFS("../sensor/testdata/disks/proc", "../sensor/testdata/disks/sys")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	var dst []DiskStat
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		dst, buf, err = fs.Diskstats(dst, buf)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFSDiskstatsThisMachine reads the real /proc/diskstats, whose
// cost is mostly the kernel generating it.
func BenchmarkFSDiskstatsThisMachine(b *testing.B) {
	fs, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	var dst []DiskStat
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if dst, buf, err = fs.Diskstats(dst, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(dst)), "devices")
}

// BenchmarkParseDiskstatsFields is the baseline ParseDiskstats is measured
// against in the same run: the usual Scanner, strings.Fields and
// strconv.ParseUint reader, as general-purpose libraries write it.
func BenchmarkParseDiskstatsFields(b *testing.B) {
	in, err := os.ReadFile("../sensor/testdata/disks/proc/diskstats")
	if err != nil {
		b.Skip("fixture missing:", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out []DiskStat
		sc := bufio.NewScanner(bytes.NewReader(in))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 14 {
				b.Fatal("short line")
			}
			var v [14]uint64
			for i := range v {
				if i == 2 {
					continue
				}
				if v[i], err = strconv.ParseUint(f[i], 10, 64); err != nil {
					b.Fatal(err)
				}
			}
			out = append(out, DiskStat{Major: uint32(v[0]), Minor: uint32(v[1]), Name: f[2], ReadsCompleted: v[3], SectorsRead: v[5], SectorsWritten: v[9], IOTimeMs: v[12]})
		}
		_ = out
	}
}
