package sensor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Read samples /proc/meminfo and vigia's cgroup v2. A broken meminfo is an
// error; a broken cgroup file only costs the cgroup metrics, and is said in
// the reading's Note, because the machine-wide figures are still right.
func (m *Memory) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	var err error
	m.buf, err = m.fs.MemInfo(&m.mi, m.buf)
	if err != nil {
		return reading.Reading{}, err
	}
	// vmstat only adds to the reading: without it (a trimmed fixture, an
	// odd kernel) the memory figures are still right.
	m.vmBuf, err = m.fs.VMStat(&m.vm, m.vmBuf)
	m.haveVM = err == nil
	cg, cgErr := m.readCgroup()
	// vigia's cgroup may move: let the old one's files go.
	m.fs.SweepHeld()
	r := m.memoryReading(now, cg)
	if cgErr != nil {
		r.Note = cgErr.Error()
	}
	return r, nil
}

// cgroupMount returns the cgroup2 mount under the sysfs root: /sys/fs/cgroup
// on unified hosts, /sys/fs/cgroup/unified on systemd's hybrid layout, and
// "" when there is none (cgroup v1 only).
func cgroupMount(pfs procfs.FS) string {
	for _, dir := range []string{pfs.Sys("fs", "cgroup"), pfs.Sys("fs", "cgroup", "unified")} {
		if _, err := os.Stat(filepath.Join(dir, "cgroup.controllers")); err == nil {
			return dir
		}
	}
	return ""
}

// selfCgroup is where vigia's cgroup is, found from the text of
// /proc/self/cgroup. Finding it stats the mounts of both cgroup versions
// and the group's own directory, as many calls as reading its limits: the
// answer changes only when the process is moved, which changes the text,
// so it is found again only then.
type selfCgroup struct {
	text []byte // /proc/self/cgroup's when found; nil before
	err  error  // the text's, when it cannot be parsed
	v1   bool
	// own and mount are the v2 group's directory and the cgroup2 mount
	// ("" for none: no cgroup is read).
	own, mount string
	// memV1 and cpuV1 are the v1 group's directories in the memory and cpu
	// hierarchies ("" when not mounted), cpuV1Mount the cpu hierarchy's.
	memV1, cpuV1, cpuV1Mount string
}

// findSelfCgroup finds vigia's cgroup from text, /proc/self/cgroup's: v2,
// or v1 on a host whose v1 trees hold the controllers
// (cgroupv1_linux.go). A path that does not exist under the mount is
// relative to another cgroup namespace's root, as seen from a container
// without its own namespace: the mount root is then the container's own
// cgroup.
func findSelfCgroup(pfs procfs.FS, text []byte) selfCgroup {
	s := selfCgroup{text: text}
	rel, err := procfs.ParseSelfCgroup(text)
	// A hybrid host has a v2 line too, for a cgroup2 mount without the
	// cpu and memory controllers: the limits are in the v1 trees.
	if errors.Is(err, procfs.ErrNoCgroupV2) || err == nil && cgroupV1Rules(cgroupMount(pfs), cgroupV1Mounts(pfs)) {
		s.v1 = true
		if rel, ok := procfs.ParseSelfCgroupV1(text, "memory"); ok {
			s.memV1, _ = cgroupV1Dir(pfs, "memory", rel)
		}
		if rel, ok := procfs.ParseSelfCgroupV1(text, "cpu"); ok {
			s.cpuV1, s.cpuV1Mount = cgroupV1Dir(pfs, "cpu", rel)
		}
		return s
	}
	if err != nil {
		s.err = fmt.Errorf("cgroup: %s: %w", pfs.Proc("self", "cgroup"), err)
		return s
	}
	if s.mount = cgroupMount(pfs); s.mount == "" {
		return s
	}
	s.own = filepath.Join(s.mount, filepath.FromSlash(path.Clean(rel)))
	if _, err := os.Stat(s.own); err != nil {
		s.own = s.mount
	}
	return s
}

// readCgroup reads vigia's cgroup and its limits, finding it again when
// /proc/self/cgroup has changed. It returns nil and no error when there is
// no cgroup or no limit on the way up to the root.
func (m *Memory) readCgroup() (*cgroupSample, error) {
	b, err := m.fs.ReadFile(m.fs.Proc("self", "cgroup"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	if m.self.text == nil || !bytes.Equal(b, m.self.text) {
		m.self = findSelfCgroup(m.fs, b)
	}
	switch s := &m.self; {
	case s.err != nil:
		return nil, s.err
	case s.v1:
		return readCgroupV1(m.fs, s.memV1, s.cpuV1, s.cpuV1Mount)
	case s.mount == "":
		return nil, nil
	default:
		return readCgroupV2(m.fs, s.own, s.mount)
	}
}

// readCgroupV2 reads the v2 group at own, under mount.
//
// Limits are hierarchical: a container's memory.max may be "max" while its
// pod's is 512 MiB. So every level is read and the tightest limit wins; the
// usage reported against it is that of the cgroup that sets it.
func readCgroupV2(pfs procfs.FS, own, mount string) (*cgroupSample, error) {
	cg := &cgroupSample{}
	var memDir string
	var cpuCores float64
	for dir := own; ; dir = filepath.Dir(dir) {
		if v, limited, err := readCgroupLimit(pfs, filepath.Join(dir, "memory.max"), procfs.ParseCgroupMax); err != nil {
			return nil, err
		} else if limited && (!cg.memLimited || v < cg.memMax) {
			cg.memLimited, cg.memMax, memDir = true, v, dir
		}
		if c, _, err := readCgroupFile(pfs, filepath.Join(dir, "cpu.max"), procfs.ParseCPUMax); err != nil {
			return nil, err
		} else if c.Limited && (!cg.cpuLimited || c.Cores() < cpuCores) {
			cg.cpuLimited, cg.cpuMax, cg.cpuDir, cpuCores = true, c, dir, c.Cores()
		}
		if dir == mount || len(dir) <= len(mount) {
			break
		}
	}
	if !cg.memLimited && !cg.cpuLimited {
		return nil, nil
	}
	if cg.memLimited {
		p := filepath.Join(memDir, "memory.current")
		b, err := pfs.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("cgroup: %w", err)
		}
		if cg.memCurrent, err = procfs.ParseCgroupUint(b); err != nil {
			return nil, fmt.Errorf("cgroup: %s: %w", p, err)
		}
		// As docker stats and the kubelet's working set count it: file
		// pages on the inactive list are dropped before the limit bites,
		// so a container that merely reads files does not look full.
		cg.memInUse = cg.memCurrent
		st, _, err := readCgroupFile(pfs, filepath.Join(memDir, "memory.stat"), procfs.ParseCgroupMemStat)
		if err != nil {
			return nil, err
		}
		cg.memInUse -= min(st.InactiveFile, cg.memInUse)
		ev, _, err := readCgroupFile(pfs, filepath.Join(memDir, "memory.events"), procfs.ParseCgroupMemEvents)
		if err != nil {
			return nil, err
		}
		cg.oomKills, cg.haveOOMKills = ev.OOMKill, ev.HasOOMKill
	}
	var err error
	if cg.cpuLimited {
		if cg.cpuStat, cg.haveCPUStat, err = readCgroupFile(pfs, filepath.Join(cg.cpuDir, "cpu.stat"), procfs.ParseCgroupCPUStat); err != nil {
			return nil, err
		}
	}
	var buf []byte
	for i, res := range psiResources {
		var p procfs.Pressure
		p, buf, err = pfs.PressureFile(filepath.Join(own, res+".pressure"), buf)
		switch {
		case errors.Is(err, procfs.ErrNoPressure):
		case err != nil:
			return nil, fmt.Errorf("cgroup: %w", err)
		default:
			cg.pressure[i], cg.havePressure[i] = p, true
		}
	}
	return cg, nil
}

// readCgroupLimit reads a limit file with parse; a missing file (the root
// cgroup, a controller not enabled) is no limit.
func readCgroupLimit(pfs procfs.FS, p string, parse func([]byte) (uint64, bool, error)) (uint64, bool, error) {
	b, err := pfs.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("cgroup: %w", err)
	}
	v, limited, err := parse(b)
	if err != nil {
		return 0, false, fmt.Errorf("cgroup: %s: %w", p, err)
	}
	return v, limited, nil
}

// readCgroupFile reads and parses a cgroup file that a controller not
// enabled leaves out: found is false, with no error, when it is missing.
func readCgroupFile[T any](pfs procfs.FS, p string, parse func([]byte) (T, error)) (v T, found bool, err error) {
	b, err := pfs.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("cgroup: %w", err)
	}
	if v, err = parse(b); err != nil {
		var zero T
		return zero, false, fmt.Errorf("cgroup: %s: %w", p, err)
	}
	return v, true, nil
}
