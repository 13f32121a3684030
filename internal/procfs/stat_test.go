package procfs

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const statTwoCores = `cpu  5448 0 3821 709574 272 0 67 20 0 0
cpu0 2598 0 1870 355102 25 0 10 8 0 0
cpu1 2850 0 1950 354472 246 0 57 11 0 0
intr 350455 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 14 0 0
ctxt 684599
btime 1795835552
processes 11442
procs_running 1
procs_blocked 0
softirq 228342 0 42466 5 11310 63343 0 454 66271 1 44492
`

func TestParseStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Stat
		wantErr string
	}{
		{
			name: "two cores",
			in:   statTwoCores,
			want: Stat{
				Total: CPUTimes{User: 5448, System: 3821, Idle: 709574, IOWait: 272, SoftIRQ: 67, Steal: 20},
				Cores: []CoreTimes{
					{0, CPUTimes{User: 2598, System: 1870, Idle: 355102, IOWait: 25, SoftIRQ: 10, Steal: 8}},
					{1, CPUTimes{User: 2850, System: 1950, Idle: 354472, IOWait: 246, SoftIRQ: 57, Steal: 11}},
				},
				BootTime: 1795835552, ContextSwitches: 684599, Interrupts: 350455, Forks: 11442, ProcsRunning: 1,
			},
		},
		{
			name: "old kernel with seven columns, offline cpu1, guest time",
			in:   "cpu 10 1 5 100 2 0 3\ncpu0 4 0 2 50 1 0 1\ncpu2 6 1 3 50 1 0 2\n",
			want: Stat{
				Total: CPUTimes{User: 10, Nice: 1, System: 5, Idle: 100, IOWait: 2, SoftIRQ: 3},
				Cores: []CoreTimes{
					{0, CPUTimes{User: 4, System: 2, Idle: 50, IOWait: 1, SoftIRQ: 1}},
					{2, CPUTimes{User: 6, Nice: 1, System: 3, Idle: 50, IOWait: 1, SoftIRQ: 2}},
				},
			},
		},
		{
			name: "future kernel with an eleventh column, no trailing newline",
			in:   "cpu 1 2 3 4 5 6 7 8 9 10 11",
			want: Stat{Total: CPUTimes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		},
		{name: "empty", in: "", wantErr: "no aggregate cpu line"},
		{name: "truncated before cpu line", in: "intr 1 2 3\n", wantErr: "no aggregate cpu line"},
		{name: "garbage interrupt count", in: "cpu 1 2 3 4\nintr x 2 3\n", wantErr: `line 2 (intr): bad value "x"`},
		{name: "truncated cpu line", in: "cpu 1 2 3", wantErr: `line 1 ("cpu"): 3 fields, want at least 4`},
		{name: "garbage tick", in: "cpu 1 2 x 4\n", wantErr: `line 1 ("cpu"): field 3: "x" is not a tick count`},
		{name: "negative tick", in: "cpu 1 2 3 4\ncpu0 -1 2 3 4\n", wantErr: `line 2 ("cpu0"): field 1: "-1" is not a tick count`},
		{name: "bad cpu name", in: "cpu 1 2 3 4\ncpuX 1 2 3 4\n", wantErr: `line 2: bad cpu name "cpuX"`},
		{name: "bad btime", in: "cpu 1 2 3 4\nbtime soon\n", wantErr: `line 2 (btime): bad value "soon"`},
		{name: "overflow", in: "cpu 99999999999999999999 2 3 4\n", wantErr: "is not a tick count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got Stat
			err := ParseStat([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseStat(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseStat(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseStat(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCPUTimesTotalCountsGuestOnce(t *testing.T) {
	t.Parallel()
	c := CPUTimes{User: 100, Nice: 10, System: 20, Idle: 500, IOWait: 5, IRQ: 1, SoftIRQ: 2, Steal: 3, Guest: 60, GuestNice: 7}
	if got, want := c.Total(), uint64(641); got != want {
		t.Errorf("Total() = %d, want %d (guest is inside user)", got, want)
	}
	if got, want := c.Busy(), uint64(136); got != want {
		t.Errorf("Busy() = %d, want %d", got, want)
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestParseStatReusesCores(t *testing.T) {
	var s Stat
	b := []byte(statTwoCores)
	if err := ParseStat(b, &s); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := ParseStat(b, &s); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParseStat on a reused Stat allocates %v times per call, want 0", allocs)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte(statTwoCores))
	f.Add([]byte("cpu 1 2 3 4\ncpu0 1 2 3 4\n"))
	f.Add([]byte("cpu 1 2 3"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Stat
		if err := ParseStat(b, &s); err != nil {
			return
		}
		for _, c := range s.Cores {
			if c.ID < 0 {
				t.Errorf("negative core ID %d", c.ID)
			}
		}
	})
}

func BenchmarkParseStat(b *testing.B) {
	in := []byte(statTwoCores)
	var s Stat
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseStat(in, &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStat64(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("cpu  5448 0 3821 709574 272 0 67 20 0 0\n")
	for i := range 64 {
		sb.WriteString("cpu")
		sb.WriteString(strconv.Itoa(i))
		sb.WriteString(" 2598 0 1870 355102 25 0 10 8 0 0\n")
	}
	sb.WriteString(statTwoCores[strings.Index(statTwoCores, "intr"):])
	in := []byte(sb.String())
	var s Stat
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseStat(in, &s); err != nil {
			b.Fatal(err)
		}
	}
}
