package procfs

import (
	"errors"
	"slices"
	"strings"
)

// CgroupV1Walker walks a cgroup v1 host, where each controller has a tree
// of its own: the groups are the union of the cpu, cpuacct and memory
// trees' directories, each read from the trees that have it. v1 has no
// pressure files and no memory.events: the OOM kills come from
// memory.oom_control, the times the limit was hit from memory.failcnt.
// blkio is not read, so a v1 group has no I/O.
type CgroupV1Walker struct {
	m      CgroupV1Mounts
	w      CgroupWalker
	groups []v1Group
}

// v1Group is one group of a walk and the trees that listed it: a group of
// the memory tree alone (a container runtime's) has no cpu files to try,
// and trying them cost two failed opens a pass for each such group.
type v1Group struct {
	rel   string
	trees uint8 // v1CPUAcct | v1CPU | v1Memory
}

const (
	v1CPUAcct = 1 << iota
	v1CPU
	v1Memory
)

// CgroupV1Mounts are the v1 hierarchies a CgroupV1Walker reads, "" for a
// controller not mounted. CPU (cpu.stat: throttling) and CPUAcct
// (cpuacct.usage) are one tree on most hosts, /sys/fs/cgroup/cpu,cpuacct,
// and two on some.
type CgroupV1Mounts struct {
	CPU, CPUAcct, Memory, Pids string
}

// NewCgroupV1Walker returns a walker over the v1 hierarchies of m.
func NewCgroupV1Walker(m CgroupV1Mounts) *CgroupV1Walker {
	return &CgroupV1Walker{m: m, w: CgroupWalker{files: heldFiles{max: maxWalkFiles}}}
}

// Walk is CgroupWalker.Walk for v1: one CgroupStats per group of the cpu,
// cpuacct or memory tree, the root included, sorted by path.
func (v *CgroupV1Walker) Walk(dst []CgroupStats, full func(path string) bool) ([]CgroupStats, error) {
	var errs []error
	v.groups = v.groups[:0]
	for i, m := range [...]string{v.m.CPUAcct, v.m.CPU, v.m.Memory} {
		var trees uint8 = 1 << i
		if i == 0 && m == v.m.CPU {
			trees |= v1CPU // one cpu,cpuacct tree
		}
		if m != "" && (i != 1 || m != v.m.CPUAcct) {
			v.groups = v.walkPaths(v.groups, m, "/", trees, &errs)
		}
	}
	slices.SortStableFunc(v.groups, func(a, b v1Group) int { return strings.Compare(a.rel, b.rel) })
	v.groups = mergeV1Groups(v.groups)
	for _, g := range v.groups {
		if st, ok := v.readGroup(g, full(g.rel), &errs); ok {
			dst = append(dst, st)
		}
	}
	v.w.files.sweep()
	return dst, errors.Join(errs...)
}

// mergeV1Groups folds the entries of one path, sorted next to each other,
// into one with all their trees.
func mergeV1Groups(gs []v1Group) []v1Group {
	out := gs[:0]
	for _, g := range gs {
		if n := len(out); n > 0 && out[n-1].rel == g.rel {
			out[n-1].trees |= g.trees
			continue
		}
		out = append(out, g)
	}
	return out
}

// walkPaths appends the groups of the tree under dir, which is trees.
func (v *CgroupV1Walker) walkPaths(paths []v1Group, dir, rel string, trees uint8, errs *[]error) []v1Group {
	w := &v.w
	start := len(w.names)
	var err error
	w.names, w.dents, err = appendSubdirs(w.names, dir, w.dents)
	switch {
	case gone(err):
		return paths
	case err != nil:
		*errs = append(*errs, err)
	}
	paths = append(paths, v1Group{rel, trees})
	end := len(w.names)
	for i := start; i < end; i++ {
		name := w.names[i]
		child := rel + "/" + name
		if rel == "/" {
			child = rel + name
		}
		paths = v.walkPaths(paths, dir+"/"+name, child, trees, errs)
	}
	w.names = w.names[:start]
	return paths
}

// readGroup reads one group from the trees that have it; ok is false when
// none has it any more.
func (v *CgroupV1Walker) readGroup(g v1Group, full bool, errs *[]error) (st CgroupStats, ok bool) {
	rel := g.rel
	st.Path, st.Full = rel, full
	sub := strings.TrimSuffix(rel, "/")
	var usage uint64
	if v.m.CPUAcct != "" && g.trees&v1CPUAcct != 0 {
		var alive bool
		usage, st.HasCPU, alive = readInto(&v.w, v.m.CPUAcct+sub+"/cpuacct.usage", ParseCgroupUint, errs)
		ok = ok || alive
		st.CPU.UsageMicros = usage / 1000
	}
	if v.m.CPU != "" && g.trees&v1CPU != 0 {
		// A group of the cpu tree alone (the cpu and cpuacct trees apart)
		// has its throttling but no usage: HasCPU stays false.
		cs, found, alive := readInto(&v.w, v.m.CPU+sub+"/cpu.stat", func(b []byte) (CgroupCPUStat, error) {
			return ParseCgroupV1CPUStat(b, usage)
		}, errs)
		ok = ok || alive
		if found {
			st.CPU = cs
		}
	}
	if !full {
		// Whether the group is still there is known only from the cpu
		// trees; a walk just listed it, so keep it.
		return st, true
	}
	var slow []error
	if v.m.Memory != "" && g.trees&v1Memory != 0 {
		dir := v.m.Memory + sub
		var alive bool
		st.MemCurrent, st.HasMem, alive = readInto(&v.w, dir+"/memory.usage_in_bytes", ParseCgroupUint, &slow)
		ok = ok || alive
		if st.HasMem {
			type limit struct {
				v       uint64
				limited bool
			}
			l, _, _ := readInto(&v.w, dir+"/memory.limit_in_bytes", func(b []byte) (limit, error) {
				v, limited, err := ParseCgroupV1Limit(b)
				return limit{v, limited}, err
			}, &slow)
			st.MemMax, st.MemLimited = l.v, l.limited
		}
		if ms, found, _ := readInto(&v.w, dir+"/memory.stat", ParseCgroupV1MemStat, &slow); found {
			st.MemStat, st.HasMemStat = CgroupMemStat{InactiveFile: ms.TotalInactiveFile, HasInactiveFile: true}, true
		}
		type kills struct {
			n   uint64
			has bool
		}
		k, _, _ := readInto(&v.w, dir+"/memory.oom_control", func(b []byte) (kills, error) {
			n, has, err := ParseCgroupV1OOMControl(b)
			return kills{n, has}, err
		}, &slow)
		st.MemEvents.OOMKill, st.MemEvents.HasOOMKill = k.n, k.has
		// The times a charge hit the limit, memory.events' "max": those
		// of memory+swap are counted apart, and a charge that fails there
		// is not tried against memory alone.
		if n, found, _ := readInto(&v.w, dir+"/memory.failcnt", ParseCgroupUint, &slow); found {
			sw, _, _ := readInto(&v.w, dir+"/memory.memsw.failcnt", ParseCgroupUint, &slow)
			st.MemEvents.Max, st.MemEvents.HasMax = n+sw, true
		}
	}
	if v.m.Pids != "" {
		st.Pids, st.HasPids, _ = readInto(&v.w, v.m.Pids+sub+"/pids.current", ParseCgroupUint, &slow)
	}
	st.SlowErr = errors.Join(slow...)
	return st, ok
}
