package procfs

import (
	"bytes"
	"fmt"
	"strings"
)

// cgroup v1, still the default on older distributions (Ubuntu 20.04,
// RHEL 8) and in the containers they run: one hierarchy per controller,
// mounted at /sys/fs/cgroup/<controller>.

// ParseSelfCgroupV1 returns the path of the v1 hierarchy that has
// controller ("4:memory:/docker/ab12", "3:cpu,cpuacct:/docker/ab12") in a
// /proc/PID/cgroup file, relative to that hierarchy's mount, with the same
// repairs as ParseSelfCgroup. ok is false when no hierarchy has it.
func ParseSelfCgroupV1(b []byte, controller string) (path string, ok bool) {
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		_, rest, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		ctrls, p, found := bytes.Cut(rest, []byte(":"))
		if !found || len(ctrls) == 0 {
			continue // "0::/…" is the v2 hierarchy
		}
		for c := range strings.SplitSeq(string(ctrls), ",") {
			if c != controller {
				continue
			}
			s := string(bytes.TrimSpace(p))
			if !strings.HasPrefix(s, "/") || strings.Contains(s, "/..") {
				return "/", true
			}
			return strings.TrimSuffix(s, " (deleted)"), true
		}
	}
	return "", false
}

// unlimitedV1 is where a v1 memory limit stops meaning anything: "no limit"
// reads as PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages).
const unlimitedV1 = 1 << 62

// ParseCgroupV1Limit parses memory.limit_in_bytes; limited is false for the
// kernel's "no limit" value.
func ParseCgroupV1Limit(b []byte) (v uint64, limited bool, err error) {
	v, err = ParseCgroupUint(b)
	if err != nil {
		return 0, false, err
	}
	return v, v < unlimitedV1, nil
}

// ParseCFSQuota parses cpu.cfs_quota_us: microseconds per period, or -1
// for no quota (limited is then false).
func ParseCFSQuota(b []byte) (quota uint64, limited bool, err error) {
	f := bytes.TrimSpace(b)
	if string(f) == "-1" {
		return 0, false, nil
	}
	v, ok := parseDecimal(f)
	if !ok {
		return 0, false, fmt.Errorf("%s is neither a number nor -1", statQuote(f))
	}
	return v, true, nil
}

// CgroupV1MemStat is the part of a v1 memory.stat file vigia uses, in bytes.
type CgroupV1MemStat struct {
	// HierarchicalLimit is the tightest memory.limit_in_bytes from this
	// group up to the root.
	HierarchicalLimit uint64
	// TotalInactiveFile is the inactive page cache of the group and its
	// children: dropped before the limit bites.
	TotalInactiveFile uint64
	HasHierarchical   bool
}

// Limit returns the hierarchical limit, and whether there is one.
func (s CgroupV1MemStat) Limit() (uint64, bool) {
	return s.HierarchicalLimit, s.HasHierarchical && s.HierarchicalLimit < unlimitedV1
}

// ParseCgroupV1MemStat parses a v1 memory.stat ("total_inactive_file 123"
// lines).
func ParseCgroupV1MemStat(b []byte) (CgroupV1MemStat, error) {
	keys := [...]string{"hierarchical_memory_limit", "total_inactive_file"}
	var v [len(keys)]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	if err != nil {
		return CgroupV1MemStat{}, err
	}
	return CgroupV1MemStat{HierarchicalLimit: v[0], TotalInactiveFile: v[1], HasHierarchical: seen&1 != 0}, nil
}

// ParseCgroupV1OOMControl returns the processes the OOM killer ended in the
// group from memory.oom_control; has is false on kernels before 4.13,
// which do not count them.
func ParseCgroupV1OOMControl(b []byte) (kills uint64, has bool, err error) {
	keys := [...]string{"oom_kill"}
	var v [1]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	return v[0], seen&1 != 0, err
}

// ParseCgroupV1CPUStat parses a v1 cpu.stat (nr_periods, nr_throttled,
// throttled_time in nanoseconds) into the v2 shape; usage comes from
// cpuacct.usage, in nanoseconds, given as usageNanos.
func ParseCgroupV1CPUStat(b []byte, usageNanos uint64) (CgroupCPUStat, error) {
	keys := [...]string{"nr_periods", "nr_throttled", "throttled_time"}
	var v [len(keys)]uint64
	seen, err := scanKeyUints(b, keys[:], v[:])
	if err != nil {
		return CgroupCPUStat{}, err
	}
	return CgroupCPUStat{
		UsageMicros: usageNanos / 1000,
		Periods:     v[0], Throttled: v[1], ThrottledMicros: v[2] / 1000,
		HasThrottling: seen&(1<<1) != 0,
	}, nil
}
