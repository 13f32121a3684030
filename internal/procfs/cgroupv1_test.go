package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSelfCgroupV1(t *testing.T) {
	t.Parallel()
	docker := "12:pids:/docker/4b1c\n11:memory:/docker/4b1c\n10:cpu,cpuacct:/docker/4b1c\n1:name=systemd:/docker/4b1c\n"
	tests := []struct {
		name, in, ctrl, want string
		ok                   bool
	}{
		{"memory", docker, "memory", "/docker/4b1c", true},
		{"cpu in a shared hierarchy", docker, "cpu", "/docker/4b1c", true},
		{"cpuacct too", docker, "cpuacct", "/docker/4b1c", true},
		{"not a prefix match", docker, "cpus", "", false},
		{"absent", docker, "blkio", "", false},
		{"v2 line skipped", "0::/user.slice\n", "memory", "", false},
		{"hybrid host", "5:memory:/user.slice\n0::/user.slice/x.scope\n", "memory", "/user.slice", true},
		{"another namespace's path", "4:memory:/../../docker/x\n", "memory", "/", true},
		{"deleted group", "4:memory:/docker/x (deleted)\n", "memory", "/docker/x", true},
		{"garbage", "nonsense\n::\n", "memory", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseSelfCgroupV1([]byte(tt.in), tt.ctrl)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: ParseSelfCgroupV1(%q) = %q, %v; want %q, %v", tt.name, tt.ctrl, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCgroupV1Files(t *testing.T) {
	t.Parallel()
	if v, limited, err := ParseCgroupV1Limit([]byte("9223372036854771712\n")); err != nil || limited || v == 0 {
		t.Errorf("unlimited: %d %v %v", v, limited, err)
	}
	if v, limited, err := ParseCgroupV1Limit([]byte("268435456\n")); err != nil || !limited || v != 268435456 {
		t.Errorf("256 MiB: %d %v %v", v, limited, err)
	}
	if _, _, err := ParseCgroupV1Limit([]byte("max\n")); err == nil {
		t.Error("a v2 \"max\" in a v1 file parsed")
	}
	if _, limited, err := ParseCFSQuota([]byte("-1\n")); err != nil || limited {
		t.Errorf("no quota: %v %v", limited, err)
	}
	if q, limited, err := ParseCFSQuota([]byte("50000\n")); err != nil || !limited || q != 50000 {
		t.Errorf("quota: %d %v %v", q, limited, err)
	}
	if _, _, err := ParseCFSQuota([]byte("-2\n")); err == nil {
		t.Error("quota -2 parsed")
	}
	st, err := ParseCgroupV1MemStat([]byte("cache 1\nhierarchical_memory_limit 268435456\ntotal_inactive_file 33554432\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(CgroupV1MemStat{HierarchicalLimit: 268435456, TotalInactiveFile: 33554432, HasHierarchical: true}, st); diff != "" {
		t.Errorf("memory.stat (-want +got):\n%s", diff)
	}
	if _, ok := (CgroupV1MemStat{HierarchicalLimit: 9223372036854771712, HasHierarchical: true}).Limit(); ok {
		t.Error("the kernel's no-limit value is a limit")
	}
	if k, has, err := ParseCgroupV1OOMControl([]byte("oom_kill_disable 0\nunder_oom 0\noom_kill 4\n")); err != nil || !has || k != 4 {
		t.Errorf("oom_control: %d %v %v", k, has, err)
	}
	if _, has, err := ParseCgroupV1OOMControl([]byte("oom_kill_disable 0\nunder_oom 0\n")); err != nil || has {
		t.Errorf("old kernel's oom_control: %v %v", has, err)
	}
	cs, err := ParseCgroupV1CPUStat([]byte("nr_periods 500\nnr_throttled 20\nthrottled_time 3500000000\n"), 123456789000)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(CgroupCPUStat{UsageMicros: 123456789, Periods: 500, Throttled: 20, ThrottledMicros: 3500000, HasThrottling: true}, cs); diff != "" {
		t.Errorf("cpu.stat (-want +got):\n%s", diff)
	}
	if _, err := ParseCgroupV1CPUStat([]byte("nr_throttled many\n"), 0); err == nil {
		t.Error("garbage cpu.stat parsed")
	}
}

func FuzzParseCgroupV1(f *testing.F) {
	f.Add([]byte("11:memory:/docker/4b1c\n10:cpu,cpuacct:/x\n"), []byte("hierarchical_memory_limit 1\ntotal_inactive_file 2\n"), []byte("-1"))
	f.Fuzz(func(t *testing.T, self, stat, quota []byte) {
		ParseSelfCgroupV1(self, "memory")
		ParseSelfCgroupV1(self, "cpu")
		ParseCgroupV1MemStat(stat)
		ParseCgroupV1OOMControl(stat)
		ParseCgroupV1CPUStat(stat, 1)
		ParseCgroupV1Limit(quota)
		ParseCFSQuota(quota)
	})
}
