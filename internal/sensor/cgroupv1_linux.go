package sensor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// readCgroupV1 is readCgroupV2 for a host without cgroup v2: the group's
// directories in the memory and cpu hierarchies (usually /sys/fs/cgroup/cpu,
// a link to cpu,cpuacct), "" for one not mounted. v1 has no per-group
// pressure.
func readCgroupV1(pfs procfs.FS, memDir, cpuDir, cpuMount string) (*cgroupSample, error) {
	cg := &cgroupSample{}
	if memDir != "" {
		if err := readMemoryV1(pfs, cg, memDir); err != nil {
			return nil, err
		}
	}
	if cpuDir != "" {
		if err := readCPUV1(pfs, cg, cpuDir, cpuMount); err != nil {
			return nil, err
		}
	}
	if !cg.memLimited && !cg.cpuLimited {
		return nil, nil
	}
	return cg, nil
}

// cgroupV1Dir returns the group's directory in the controller's hierarchy
// and the hierarchy's mount, or "" when the controller is not mounted. As
// with v2, a path that does not exist under the mount is relative to another
// namespace's root: the mount is then the container's own group.
func cgroupV1Dir(pfs procfs.FS, controller, rel string) (dir, mount string) {
	mount = pfs.Sys("fs", "cgroup", controller)
	if _, err := os.Stat(mount); err != nil {
		return "", ""
	}
	dir = filepath.Join(mount, filepath.FromSlash(path.Clean(rel)))
	if _, err := os.Stat(dir); err != nil {
		dir = mount
	}
	return dir, mount
}

// readMemoryV1 reads the group's limit (the tightest on the way up, as
// memory.stat's hierarchical_memory_limit says), usage, inactive page cache
// and OOM kills.
func readMemoryV1(pfs procfs.FS, cg *cgroupSample, dir string) error {
	limit, limited, err := readCgroupLimit(pfs, filepath.Join(dir, "memory.limit_in_bytes"), procfs.ParseCgroupV1Limit)
	if err != nil {
		return err
	}
	st, _, err := readCgroupFile(pfs, filepath.Join(dir, "memory.stat"), procfs.ParseCgroupV1MemStat)
	if err != nil {
		return err
	}
	if h, ok := st.Limit(); ok && (!limited || h < limit) {
		limit, limited = h, true
	}
	if !limited {
		return nil
	}
	p := filepath.Join(dir, "memory.usage_in_bytes")
	b, err := pfs.ReadFile(p)
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	usage, err := procfs.ParseCgroupUint(b)
	if err != nil {
		return fmt.Errorf("cgroup: %s: %w", p, err)
	}
	cg.memLimited, cg.memMax, cg.memCurrent = true, limit, usage
	cg.memInUse = usage - min(st.TotalInactiveFile, usage)
	b, err = pfs.ReadFile(filepath.Join(dir, "memory.oom_control"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	kills, has, err := procfs.ParseCgroupV1OOMControl(b)
	if err != nil {
		return fmt.Errorf("cgroup: %s: %w", filepath.Join(dir, "memory.oom_control"), err)
	}
	cg.oomKills, cg.haveOOMKills = kills, has
	return nil
}

// readCPUV1 finds the tightest CFS quota from the group up to the mount,
// and that group's usage (cpuacct.usage, beside it when cpu and cpuacct
// share a hierarchy, as they do everywhere in practice) and throttling.
func readCPUV1(pfs procfs.FS, cg *cgroupSample, dir, mount string) error {
	var cores float64
	for d := dir; ; d = filepath.Dir(d) {
		quota, limited, err := readCgroupLimit(pfs, filepath.Join(d, "cpu.cfs_quota_us"), procfs.ParseCFSQuota)
		if err != nil {
			return err
		}
		if limited {
			period, _, err := readCgroupFile(pfs, filepath.Join(d, "cpu.cfs_period_us"), procfs.ParseCgroupUint)
			if err != nil {
				return err
			}
			c := procfs.CPUMax{QuotaMicros: quota, PeriodMicros: max(period, 1), Limited: true}
			if !cg.cpuLimited || c.Cores() < cores {
				cg.cpuLimited, cg.cpuMax, cg.cpuDir, cores = true, c, d, c.Cores()
			}
		}
		if d == mount || len(d) <= len(mount) {
			break
		}
	}
	if !cg.cpuLimited {
		return nil
	}
	usage, found, err := readCgroupFile(pfs, filepath.Join(cg.cpuDir, "cpuacct.usage"), procfs.ParseCgroupUint)
	if err != nil || !found {
		return err
	}
	b, err := pfs.ReadFile(filepath.Join(cg.cpuDir, "cpu.stat"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cgroup: %w", err)
	}
	if cg.cpuStat, err = procfs.ParseCgroupV1CPUStat(b, usage); err != nil {
		return fmt.Errorf("cgroup: %s: %w", filepath.Join(cg.cpuDir, "cpu.stat"), err)
	}
	cg.haveCPUStat = true
	return nil
}
