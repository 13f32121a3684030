package procfs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSelfCgroup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{"pure v2", "0::/user.slice/user-1000.slice/session-2.scope\n", "/user.slice/user-1000.slice/session-2.scope", ""},
		{"container namespace", "0::/\n", "/", ""},
		{"hybrid", "4:memory:/x\n1:cpu:/\n0::/system.slice/vigia.service\n", "/system.slice/vigia.service", ""},
		{"outside the namespace", "0::/../../system.slice\n", "/", ""},
		{"deleted", "0::/a/b (deleted)\n", "/a/b", ""},
		{"v1 only", "4:memory:/x\n1:cpu:/\n", "", ErrNoCgroupV2.Error()},
		{"empty", "", "", ErrNoCgroupV2.Error()},
		{"relative", "0::relative\n", "", "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSelfCgroup([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSelfCgroup(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseSelfCgroup(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := ParseSelfCgroup([]byte("1:cpu:/\n")); !errors.Is(err, ErrNoCgroupV2) {
		t.Errorf("ParseSelfCgroup on a v1-only file: error %v is not ErrNoCgroupV2", err)
	}
}

func TestParseCgroupMax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		want        uint64
		wantLimited bool
		wantErr     bool
	}{
		{"max\n", 0, false, false},
		{"536870912\n", 536870912, true, false},
		{"", 0, false, true},
		{"lots\n", 0, false, true},
		{"-1\n", 0, false, true},
	}
	for _, tt := range tests {
		v, limited, err := ParseCgroupMax([]byte(tt.in))
		if (err != nil) != tt.wantErr || v != tt.want || limited != tt.wantLimited {
			t.Errorf("ParseCgroupMax(%q) = %d, %v, %v; want %d, %v, error %v", tt.in, v, limited, err, tt.want, tt.wantLimited, tt.wantErr)
		}
	}
}

func TestParseCgroupUint(t *testing.T) {
	t.Parallel()
	if v, err := ParseCgroupUint([]byte("123\n")); err != nil || v != 123 {
		t.Errorf("ParseCgroupUint(123) = %d, %v", v, err)
	}
	for _, in := range []string{"", "max", "1 2"} {
		if _, err := ParseCgroupUint([]byte(in)); err == nil {
			t.Errorf("ParseCgroupUint(%q) accepted bad input", in)
		}
	}
}

func TestParseCPUMax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want      CPUMax
		wantCores float64
		wantErr   string
	}{
		{"max 100000\n", CPUMax{PeriodMicros: 100000}, 0, ""},
		{"150000 100000\n", CPUMax{150000, 100000, true}, 1.5, ""},
		{"50000 200000\n", CPUMax{50000, 200000, true}, 0.25, ""},
		{"50000\n", CPUMax{50000, 100000, true}, 0.5, ""},
		{"", CPUMax{}, 0, "neither a number"},
		{"x 100000", CPUMax{}, 0, `quota "x"`},
		{"100 0", CPUMax{}, 0, `period "0"`},
		{"100 y", CPUMax{}, 0, `period "y"`},
	}
	for _, tt := range tests {
		got, err := ParseCPUMax([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseCPUMax(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCPUMax(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCPUMax(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if got.Cores() != tt.wantCores {
			t.Errorf("ParseCPUMax(%q).Cores() = %v, want %v", tt.in, got.Cores(), tt.wantCores)
		}
	}
}

func TestParseCgroupCPUStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    CgroupCPUStat
		wantErr string
	}{
		{
			name: "with cpu controller",
			in: "usage_usec 93435945\nuser_usec 54494794\nsystem_usec 38941150\nnice_usec 0\n" +
				"nr_periods 1200\nnr_throttled 340\nthrottled_usec 2500000\nnr_bursts 0\nburst_usec 0\n",
			want: CgroupCPUStat{93435945, 54494794, 38941150, 1200, 340, 2500000, true},
		},
		{
			name: "without cpu controller",
			in:   "usage_usec 10\nuser_usec 6\nsystem_usec 4\n",
			want: CgroupCPUStat{UsageMicros: 10, UserMicros: 6, SystemMicros: 4},
		},
		{name: "empty", in: "", wantErr: "no usage_usec line"},
		{name: "garbage", in: "usage_usec ten\n", wantErr: `line 1 (usage_usec): "ten" is not a number`},
	}
	for _, tt := range tests {
		got, err := ParseCgroupCPUStat([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: ParseCgroupCPUStat error = %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ParseCgroupCPUStat error: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: ParseCgroupCPUStat mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseCgroupMemStat(t *testing.T) {
	t.Parallel()
	in := "anon 104857600\nfile 314572800\nkernel 8192\nactive_file 104857600\ninactive_file 209715200\n"
	got, err := ParseCgroupMemStat([]byte(in))
	want := CgroupMemStat{Anon: 104857600, File: 314572800, InactiveFile: 209715200, HasInactiveFile: true}
	if err != nil {
		t.Fatalf("ParseCgroupMemStat error: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseCgroupMemStat mismatch (-want +got):\n%s", diff)
	}
	if got, err := ParseCgroupMemStat(nil); err != nil || got.HasInactiveFile {
		t.Errorf("ParseCgroupMemStat(empty) = %+v, %v; want nothing and no error", got, err)
	}
	if _, err := ParseCgroupMemStat([]byte("anon 1\ninactive_file x\n")); err == nil || !strings.Contains(err.Error(), `line 2 (inactive_file): "x" is not a number`) {
		t.Errorf("ParseCgroupMemStat(garbage) error = %v", err)
	}
}

func TestParseCgroupMemEvents(t *testing.T) {
	t.Parallel()
	got, err := ParseCgroupMemEvents([]byte("low 0\nhigh 17\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n"))
	if err != nil {
		t.Fatalf("ParseCgroupMemEvents error: %v", err)
	}
	if diff := cmp.Diff(CgroupMemEvents{High: 17, Max: 12, OOM: 3, OOMKill: 2, HasOOMKill: true}, got); diff != "" {
		t.Errorf("ParseCgroupMemEvents mismatch (-want +got):\n%s", diff)
	}
	if _, err := ParseCgroupMemEvents([]byte("oom_kill -1\n")); err == nil || !strings.Contains(err.Error(), `line 1 (oom_kill): "-1" is not a number`) {
		t.Errorf("ParseCgroupMemEvents(garbage) error = %v", err)
	}
}

// Not parallel: AllocsPerRun refuses to run beside other tests.
func TestParseCgroupStatsDoNotAllocate(t *testing.T) {
	cpu := []byte("usage_usec 93435945\nuser_usec 54494794\nnr_throttled 340\n")
	mem := []byte("anon 104857600\nfile 314572800\ninactive_file 209715200\n")
	events := []byte("high 17\nmax 12\noom 3\noom_kill 2\n")
	allocs := testing.AllocsPerRun(100, func() {
		_, err1 := ParseCgroupCPUStat(cpu)
		_, err2 := ParseCgroupMemStat(mem)
		_, err3 := ParseCgroupMemEvents(events)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
	})
	if allocs != 0 {
		t.Errorf("parsing cpu.stat, memory.stat and memory.events allocates %v times, want 0", allocs)
	}
}

func TestParseCPUList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"0-1\n", 2, false},
		{"0\n", 1, false},
		{"0-63\n", 64, false},
		{"0-3,8,10-11\n", 7, false},
		{"", 0, true},
		{"3-1", 0, true},
		{"a-b", 0, true},
		{"0-99999999", 0, true},
		{"0,,1", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseCPUList([]byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCPUList(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseCgroup(f *testing.F) {
	f.Add([]byte("0::/a/b\n"), []byte("150000 100000\n"), []byte("usage_usec 1\nnr_throttled 2\n"))
	f.Add([]byte("max\n"), []byte("max 100000"), []byte("0-3,5"))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		if p, err := ParseSelfCgroup(a); err == nil && (!strings.HasPrefix(p, "/") || strings.Contains(p, "/..")) {
			t.Errorf("ParseSelfCgroup(%q) = %q: not a safe absolute path", a, p)
		}
		ParseCgroupMax(a)
		ParseCgroupUint(a)
		if m, err := ParseCPUMax(b); err == nil && m.PeriodMicros == 0 {
			t.Errorf("ParseCPUMax(%q) accepted a zero period", b)
		}
		ParseCgroupCPUStat(c)
		ParseCgroupMemStat(c)
		ParseCgroupMemEvents(c)
		if n, err := ParseCPUList(c); err == nil && n <= 0 {
			t.Errorf("ParseCPUList(%q) = %d without error", c, n)
		}
	})
}
