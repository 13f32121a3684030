package sensor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Disk reports filesystem usage of every real mounted filesystem and the
// I/O rates of every whole block device. Its primary value is the used % of
// the fullest writable filesystem.
//
// Which filesystems are real: every mount but
//   - the pseudo and image filesystems in pseudoFSTypes (proc, sysfs,
//     cgroup, devtmpfs, squashfs, …; tmpfs is kept, since /tmp, /run and
//     /dev/shm hold real data and do fill up),
//   - mounts under /proc, /sys and /dev, and container runtimes' layer and
//     credential mounts (ignoredMountPoint),
//   - filesystems that report no blocks at all, as df(1) hides them,
//   - all but one mount of a device: a filesystem bind-mounted in several
//     places is reported once, at its whole-filesystem mount if it has one,
//     else at its shortest mount point (btrfs subvolumes of one filesystem
//     share its numbers and are shown once too); a mount point mounted over
//     keeps only the mount on top, the one statfs sees.
//
// Which block devices: every device of /proc/diskstats but partitions of
// whole disks and RAM, loop and floppy devices, with node_exporter's default
// rule (ignoredDisk), so vigia's counters match node_disk_* series.
//
// statfs runs on its own goroutine per mount with a deadline (the timeout
// given to NewDisk, or ctx's deadline if sooner). A mount whose call has not
// returned by then is reported with FSError 1, and is not statted again
// until that call returns, so a dead NFS mount costs at most one stuck
// goroutine however long it stays dead.
type Disk struct {
	fs      procfs.FS
	rootfs  string
	timeout time.Duration
	statfs  *procfs.StatfsGuard
	// The mount tables of PID 1 (the host's, in a container watching it)
	// and of this process, parsed again only when they change.
	initMounts, selfMounts *procfs.MountTable

	counters *Counters[deviceField]
	stats    []procfs.DiskStat
	buf      []byte
	warm     bool
}

// NewDisk returns a disk sensor reading /proc/diskstats and the mount table
// under fs's procfs root. rootfs is where the host's root directory is seen
// from here ("/" normally; "/host" in a container with the host's / mounted
// there and --procfs /host/proc): mount points are statted under it.
// statfsTimeout bounds each statfs; 0 means procfs.DefaultStatfsTimeout.
func NewDisk(fs procfs.FS, rootfs string, statfsTimeout time.Duration) *Disk {
	return newDisk(fs, rootfs, statfsTimeout, nil)
}

func newDisk(fs procfs.FS, rootfs string, timeout time.Duration, f procfs.StatfsFunc) *Disk {
	if rootfs == "" {
		rootfs = "/"
	}
	if timeout <= 0 {
		timeout = procfs.DefaultStatfsTimeout
	}
	return &Disk{
		fs: fs, rootfs: filepath.Clean(rootfs), timeout: timeout,
		statfs:     procfs.NewStatfsGuard(rootfs, f),
		initMounts: fs.MountTable("1"), selfMounts: fs.MountTable("self"),
		counters: NewCounters[deviceField](),
	}
}

// Name returns reading.SensorDisk.
func (d *Disk) Name() string { return reading.SensorDisk }

// Read samples the I/O counters and, from the second call on, the usage of
// every filesystem. The first call takes the counters' baseline and returns
// ErrWarmup.
func (d *Disk) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	var err error
	d.stats, d.buf, err = d.fs.Diskstats(d.stats, d.buf)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Some sandboxes (gVisor, a few container runtimes) have no
		// diskstats: filesystem usage is still worth reporting.
		d.stats = d.stats[:0]
	case err != nil:
		return reading.Reading{}, fmt.Errorf("disk: %w", err)
	}
	io := d.ioMetrics(now, d.stats)
	if !d.warm {
		d.warm = true
		return reading.Reading{}, ErrWarmup
	}
	mounts, err := d.mounts()
	if err != nil {
		return reading.Reading{}, fmt.Errorf("disk: %w", err)
	}
	fsms, fullest, stuck := d.fsMetrics(ctx, now, mounts)
	r := reading.Reading{Sensor: reading.SensorDisk, Time: now}
	if fullest >= 0 {
		r.Primary = reading.DiskUsedPercent
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.DiskUsedPercent, Value: fullest, Unit: reading.Percent})
	}
	r.Metrics = append(r.Metrics, fsms...)
	r.Metrics = append(r.Metrics, io...)
	if len(stuck) > 0 {
		r.Note = "statfs not answering (dead network mount?): " + strings.Join(stuck, ", ")
	}
	return r, nil
}

// mounts reads the mount table. Inside a container watching its host
// (rootfs not "/"), the table of PID 1 of the mounted /proc is the host's,
// while "self" would be the container's own; outside, self is the truth.
func (d *Disk) mounts() ([]procfs.Mount, error) {
	if d.rootfs != "/" {
		if ms, err := d.initMounts.Mounts(); err == nil {
			return ms, nil
		}
	}
	return d.selfMounts.Mounts()
}

// diskField ties a diskstats counter to its rate and total metrics.
type diskField struct {
	rate, total string
	rateUnit    reading.Unit
	totalUnit   reading.Unit
	// scale turns the raw counter into the total's unit (sectors to bytes,
	// milliseconds to seconds) and, times the per-second rate, into the
	// rate's unit.
	scale float64
	value func(*procfs.DiskStat) uint64
}

// diskFields' rates are DiskReadBytes, DiskWriteBytes, DiskReads,
// DiskWrites; the io_ticks field, whose rate is the busy %, comes last.
var diskFields = [...]diskField{
	{reading.DiskReadBytes, reading.DiskReadBytesTotal, reading.BytesPerSecond, reading.Bytes, procfs.SectorSize, func(s *procfs.DiskStat) uint64 { return s.SectorsRead }},
	{reading.DiskWriteBytes, reading.DiskWrittenBytesTotal, reading.BytesPerSecond, reading.Bytes, procfs.SectorSize, func(s *procfs.DiskStat) uint64 { return s.SectorsWritten }},
	{reading.DiskReads, reading.DiskReadsTotal, reading.PerSecond, reading.None, 1, func(s *procfs.DiskStat) uint64 { return s.ReadsCompleted }},
	{reading.DiskWrites, reading.DiskWritesTotal, reading.PerSecond, reading.None, 1, func(s *procfs.DiskStat) uint64 { return s.WritesCompleted }},
	{"", reading.DiskReadTimeTotal, "", reading.Seconds, 0.001, func(s *procfs.DiskStat) uint64 { return s.ReadTimeMs }},
	{"", reading.DiskWriteTimeTotal, "", reading.Seconds, 0.001, func(s *procfs.DiskStat) uint64 { return s.WriteTimeMs }},
	// ms of I/O per second of wall time, /1000 s, ×100 %: the busy % is the
	// rate divided by 10.
	{reading.DiskBusy, reading.DiskIOTimeTotal, reading.Percent, reading.Seconds, 0.001, func(s *procfs.DiskStat) uint64 { return s.IOTimeMs }},
}

func (d *Disk) ioMetrics(now time.Time, stats []procfs.DiskStat) []reading.Metric {
	var ms []reading.Metric
	for i := range stats {
		s := &stats[i]
		if ignoredDisk(s.Name) {
			continue
		}
		labels := []reading.Label{{Name: "device", Value: s.Name}}
		var rates [len(diskFields)]float64
		if deviceRates(d.counters, s.Name, rates[:], func(f int) uint64 { return diskFields[f].value(s) }, now) {
			for f, df := range diskFields {
				switch {
				case df.rate == "":
				case df.rate == reading.DiskBusy:
					ms = append(ms, reading.Metric{Name: df.rate, Labels: labels, Value: min(rates[f]/10, 100), Unit: df.rateUnit})
				default:
					ms = append(ms, reading.Metric{Name: df.rate, Labels: labels, Value: rates[f] * df.scale, Unit: df.rateUnit})
				}
			}
		}
		for _, df := range diskFields {
			ms = append(ms, reading.Metric{Name: df.total, Labels: labels, Value: float64(df.value(s)) * df.scale, Unit: df.totalUnit, Kind: reading.Counter})
		}
	}
	d.counters.Sweep()
	return ms
}

// ignoredDisk is node_exporter's default device exclusion,
// ^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$, written out by hand:
// RAM disks, loop and floppy devices, and partitions of sd, hd, vd, xvd and
// NVMe disks. Whole disks, device-mapper and md devices are kept.
func ignoredDisk(name string) bool {
	for _, p := range []string{"zram", "ram", "loop", "fd"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return allDigits(rest)
		}
	}
	for _, p := range []string{"hd", "sd", "vd", "xvd"} {
		if rest, ok := strings.CutPrefix(name, p); ok && len(rest) >= 2 && rest[0] >= 'a' && rest[0] <= 'z' {
			return allDigits(rest[1:])
		}
	}
	// nvme<digits>n<digits>p<digits>
	rest, ok := strings.CutPrefix(name, "nvme")
	if !ok {
		return false
	}
	for _, sep := range []byte{'n', 'p'} {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || rest[i] != sep {
			return false
		}
		rest = rest[i+1:]
	}
	return allDigits(rest)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pseudoFSTypes are filesystems without user data or whose usage means
// nothing: kernel interfaces, device nodes, cgroups, and read-only images
// that are always full (snaps, live CDs). node_exporter's default list, plus
// a few FUSE and kernel filesystems it misses; tmpfs and overlay are real.
var pseudoFSTypes = map[string]bool{
	"autofs": true, "binfmt_misc": true, "bpf": true, "cgroup": true, "cgroup2": true,
	"configfs": true, "debugfs": true, "devpts": true, "devtmpfs": true, "efivarfs": true,
	"erofs": true, "fusectl": true, "hugetlbfs": true, "iso9660": true, "mqueue": true,
	"nfsd": true, "nsfs": true, "proc": true, "procfs": true, "pstore": true, "ramfs": true,
	"rpc_pipefs": true, "securityfs": true, "selinuxfs": true, "squashfs": true,
	"sysfs": true, "tracefs": true, "fuse.lxcfs": true, "fuse.portal": true,
	"fuse.gvfsd-fuse": true, "fuse.snapfuse": true,
}

// ignoredMountPoint is node_exporter's default mount point exclusion,
// ^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/),
// plus containerd's per-container mounts.
func ignoredMountPoint(mp string) bool {
	for _, p := range []string{"/dev", "/proc", "/sys"} {
		if mp == p || strings.HasPrefix(mp, p+"/") {
			return true
		}
	}
	for _, p := range []string{"/run/credentials/", "/var/lib/docker/", "/var/lib/containers/storage/", "/run/containerd/"} {
		if len(mp) > len(p) && strings.HasPrefix(mp, p) {
			return true
		}
	}
	return false
}

// realMounts filters and de-duplicates the mount table as Disk's doc says.
func realMounts(all []procfs.Mount) []procfs.Mount {
	// The last mount at a mount point hides the ones below it.
	top := make(map[string]int, len(all))
	for i, m := range all {
		top[m.MountPoint] = i
	}
	type devID struct{ major, minor uint32 }
	best := map[devID]int{}
	var order []devID
	for i, m := range all {
		if top[m.MountPoint] != i || pseudoFSTypes[m.FSType] || ignoredMountPoint(m.MountPoint) {
			continue
		}
		id := devID{m.Major, m.Minor}
		j, seen := best[id]
		if !seen {
			best[id] = i
			order = append(order, id)
			continue
		}
		if betterMount(m, all[j]) {
			best[id] = i
		}
	}
	out := make([]procfs.Mount, 0, len(order))
	for _, id := range order {
		out = append(out, all[best[id]])
	}
	slices.SortStableFunc(out, func(a, b procfs.Mount) int { return strings.Compare(a.MountPoint, b.MountPoint) })
	return out
}

// betterMount says whether a should stand for its device rather than b: a
// mount of the whole filesystem beats a bind mount of part of it, then the
// shorter mount point wins.
func betterMount(a, b procfs.Mount) bool {
	if (a.Root == "/") != (b.Root == "/") {
		return a.Root == "/"
	}
	return len(a.MountPoint) < len(b.MountPoint)
}

// fsMetrics stats every mount concurrently and returns their metrics, the
// used % of the fullest writable filesystem (-1 when none answered), and the
// mount points whose statfs is stuck.
func (d *Disk) fsMetrics(ctx context.Context, now time.Time, mounts []procfs.Mount) ([]reading.Metric, float64, []string) {
	mounts = realMounts(mounts)
	answers := d.statfs.Stat(ctx, now, d.timeout, mounts, nil)

	var ms []reading.Metric
	var stuck []string
	fullest := -1.0
	for i, m := range mounts {
		a := &answers[i]
		if !a.Answered {
			stuck = append(stuck, fmt.Sprintf("%s (for %v)", m.MountPoint, now.Sub(a.Since).Round(time.Second)))
		}
		labels := []reading.Label{
			{Name: "device", Value: m.Source},
			{Name: "fstype", Value: m.FSType},
			{Name: "mountpoint", Value: m.MountPoint},
		}
		if !a.Answered || a.Err != nil {
			v := reading.FSErrFailed
			if a.Answered && errors.Is(a.Err, fs.ErrNotExist) {
				// Not hung: the mount point is not there to ask, as a
				// host's mount a container does not see under --rootfs.
				v = reading.FSErrAbsent
			}
			ms = append(ms, reading.Metric{Name: reading.FSError, Labels: labels, Value: v})
			continue
		}
		st := a.Stat
		if st.Blocks == 0 {
			continue // a dummy filesystem, as df hides them
		}
		ro := st.ReadOnly || m.ReadOnly()
		pct := usedPercent(st)
		if !ro {
			fullest = max(fullest, pct)
		}
		bs := float64(st.BlockSize)
		ms = append(ms,
			reading.Metric{Name: reading.FSSize, Labels: labels, Value: float64(st.Blocks) * bs, Unit: reading.Bytes},
			reading.Metric{Name: reading.FSFree, Labels: labels, Value: float64(st.BlocksFree) * bs, Unit: reading.Bytes},
			reading.Metric{Name: reading.FSAvail, Labels: labels, Value: float64(st.BlocksAvail) * bs, Unit: reading.Bytes},
			reading.Metric{Name: reading.FSUsedPercent, Labels: labels, Value: pct, Unit: reading.Percent},
			reading.Metric{Name: reading.FSFiles, Labels: labels, Value: float64(st.Files)},
			reading.Metric{Name: reading.FSFilesFree, Labels: labels, Value: float64(st.FilesFree)},
			reading.Metric{Name: reading.FSReadOnly, Labels: labels, Value: b2f(ro)},
			reading.Metric{Name: reading.FSError, Labels: labels, Value: 0},
		)
	}
	return ms, fullest, stuck
}

// usedPercent is df's Use%: used / (used + available to unprivileged users),
// so the blocks reserved for root count as neither.
func usedPercent(st procfs.FSStat) float64 {
	if st.BlocksFree > st.Blocks {
		return 0
	}
	used := st.Blocks - st.BlocksFree
	if used+st.BlocksAvail == 0 {
		return 0
	}
	return float64(used) / float64(used+st.BlocksAvail) * 100
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
