package sensor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// BenchmarkEventSourcesQuiet is what the event sources cost a pass when
// nothing happens, over this machine's cgroup tree and pressure files:
// one inotify read and a poll of each PSI trigger (or a read of each
// pressure file where triggers are refused).
func BenchmarkEventSourcesQuiet(b *testing.B) {
	pfs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skip(err)
	}
	mount := cgroupMount(pfs)
	if mount == "" {
		b.Skip("no cgroup2 mount")
	}
	benchSources(b, pfs, procfs.NewCgroupWalker(mount), mount, false)
}

// BenchmarkEventSourcesQuietV1 is BenchmarkEventSourcesQuiet over this
// machine's cgroup v1 trees: one eventfd read, the pressure triggers.
func BenchmarkEventSourcesQuietV1(b *testing.B) {
	pfs, v1 := benchV1Mounts(b)
	benchSources(b, pfs, procfs.NewCgroupV1Walker(v1), v1.Memory, true)
}

// benchV1Mounts returns this machine's cgroup v1 trees, skipping the
// benchmark without a v1 memory tree.
func benchV1Mounts(b *testing.B) (procfs.FS, procfs.CgroupV1Mounts) {
	pfs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skip(err)
	}
	v1 := cgroupV1Mounts(pfs)
	if v1.Memory == "" {
		b.Skip("no cgroup v1 memory hierarchy")
	}
	return pfs, v1
}

func benchSources(b *testing.B, pfs procfs.FS, w cgroupWalker, mount string, v1 bool) {
	c := NewCgroups(pfs)
	c.walker = w
	c.openSources(mount, kmsgPath, v1)
	b.Cleanup(func() {
		for _, s := range c.sources {
			s.Close()
		}
	})
	stats, _ := c.walker.Walk(nil, func(string) bool { return false })
	for _, st := range stats {
		c.added = append(c.added, st.Path)
	}
	now := time.Now()
	c.pollSources(now, nil)
	var dst []reading.Event
	b.ResetTimer()
	for b.Loop() {
		c.added = c.added[:0]
		dst = c.pollSources(now, dst[:0])
	}
	b.ReportMetric(float64(len(stats)), "cgroups")
}

// BenchmarkOOMControlPollV1 is what the eventfd spares a v1 host: reading
// every memory group's memory.oom_control each pass to see a kill.
func BenchmarkOOMControlPollV1(b *testing.B) {
	_, v1 := benchV1Mounts(b)
	stats, _ := procfs.NewCgroupV1Walker(procfs.CgroupV1Mounts{Memory: v1.Memory}).Walk(nil, func(string) bool { return false })
	for b.Loop() {
		for _, st := range stats {
			readOOMControl(filepath.Join(v1.Memory, filepath.FromSlash(st.Path)))
		}
	}
	b.ReportMetric(float64(len(stats)), "cgroups")
}

// BenchmarkProcDiff is the start/exit diff of a table of 1000 processes
// in which nothing started or ended.
func BenchmarkProcDiff(b *testing.B) {
	entries := make([]*procfs.ProcEntry, 1000)
	for i := range entries {
		entries[i] = &procfs.ProcEntry{PID: int32(100 + i), PPID: 1, Comm: "p", StartTicks: uint64(i)}
	}
	start := func(uint64) time.Time { return time.Time{} }
	var d procDiff
	now := time.Now()
	d.step(now, entries, start, nil)
	b.ResetTimer()
	for b.Loop() {
		d.step(now, entries, start, nil)
	}
}
