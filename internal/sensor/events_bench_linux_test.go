package sensor

import (
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
	c := NewCgroups(pfs)
	mount := cgroupMount(pfs)
	if mount == "" {
		b.Skip("no cgroup2 mount")
	}
	c.walker = procfs.NewCgroupWalker(mount)
	c.openSources(mount, kmsgPath)
	stats, _ := c.walker.Walk(nil, func(string) bool { return false })
	for _, st := range stats {
		c.added = append(c.added, st.Path)
	}
	now := time.Now()
	c.pollSources(now, nil)
	b.ReportMetric(float64(len(stats)), "cgroups")
	var dst []reading.Event
	b.ResetTimer()
	for b.Loop() {
		c.added = c.added[:0]
		dst = c.pollSources(now, dst[:0])
	}
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
