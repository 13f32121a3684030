package node

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var fsLabels = []string{"device", "mountpoint", "fstype", "device_error"}

func fsGauge(name, help string) *reading.Family {
	return &reading.Family{Name: "node_filesystem_" + name, Help: help, Type: reading.Gauge, Labels: fsLabels}
}

var (
	fsSize        = fsGauge("size_bytes", "Filesystem size in bytes.")
	fsFree        = fsGauge("free_bytes", "Filesystem free space in bytes.")
	fsAvail       = fsGauge("avail_bytes", "Filesystem space available to non-root users in bytes.")
	fsFiles       = fsGauge("files", "Filesystem total file nodes.")
	fsFilesFree   = fsGauge("files_free", "Filesystem total free file nodes.")
	fsReadOnly    = fsGauge("readonly", "Filesystem read-only status.")
	fsDeviceError = fsGauge("device_error", "Whether an error occurred while getting statistics for the given device.")
	fsMountInfo   = &reading.Family{Name: "node_filesystem_mount_info", Help: "Filesystem mount information.", Type: reading.Gauge,
		Labels: []string{"device", "major", "minor", "mountpoint"}}
)

// mountTimeout is node_exporter's device_error label for a mount whose
// statfs does not answer.
const mountTimeout = "mountpoint timeout"

// filesystem is node_exporter's filesystem collector: the mount table of
// PID 1 (the host's when /proc is the host's; this process's own when
// hidepid hides PID 1), and statfs of each mount point under --rootfs.
//
// A statfs that hangs (a dead NFS server) costs one scrape at most
// timeout and is then reported as node_exporter reports a stuck mount:
// device_error 1 with device_error="mountpoint timeout", and no statfs
// again until the stuck one returns, so later scrapes do not wait for it
// at all (procfs.StatfsGuard). node_exporter instead blocks the scrape
// that meets the hung mount.
type filesystem struct {
	fs      procfs.FS
	rootfs  string
	mounts  *excluder
	fsTypes *excluder
	guard   *procfs.StatfsGuard
	timeout time.Duration
	now     func() time.Time
	// The mount tables of PID 1 and of this process, parsed again only
	// when they change.
	initMounts, selfMounts *procfs.MountTable

	// Reused across scrapes: a Set never runs one collector twice at once.
	answers []procfs.StatfsAnswer
	lv      [4]string
}

func newFilesystem(env Env) (Collector, error) {
	return newFilesystemWith(env, nil, 0), nil
}

// newFilesystemWith is newFilesystem with the statfs and its timeout
// chosen, for tests (nil and 0: procfs.Statfs and its default timeout).
func newFilesystemWith(env Env, statfs procfs.StatfsFunc, timeout time.Duration) *filesystem {
	rootfs := env.Rootfs
	if rootfs == "" {
		rootfs = "/"
	}
	return &filesystem{
		fs: env.FS, rootfs: filepath.Clean(rootfs),
		mounts:     newExcluder(env.MountExclude, DefaultMountExclude),
		fsTypes:    newExcluder(env.FSTypeExclude, DefaultFSTypeExclude),
		guard:      procfs.NewStatfsGuard(rootfs, statfs),
		timeout:    timeout,
		now:        env.now,
		initMounts: env.FS.MountTable("1"), selfMounts: env.FS.MountTable("self"),
	}
}

func (c *filesystem) Update(emit reading.Emit) error {
	all, err := c.initMounts.Mounts()
	if errors.Is(err, fs.ErrNotExist) {
		// hidepid hides PID 1: this process's own table is the next best.
		all, err = c.selfMounts.Mounts()
	}
	if err != nil {
		return err
	}
	mounts := all[:0]
	for _, m := range all {
		m.MountPoint = c.stripRootfs(m.MountPoint)
		if c.mounts.excluded(m.MountPoint) || c.fsTypes.excluded(m.FSType) {
			continue
		}
		mounts = append(mounts, m)
	}
	c.answers = c.guard.Stat(context.Background(), c.now(), c.timeout, mounts, c.answers)

	// A mount point mounted twice with the same device and type (a
	// remount, a bind of a bind) is one series, as node_exporter has it.
	seen := make(map[[4]string]bool, len(mounts))
	for i := range mounts {
		m, a := &mounts[i], &c.answers[i]
		ro := b2f(m.ReadOnly())
		errText := ""
		switch {
		case !a.Answered:
			errText, ro = mountTimeout, 0
		case a.Err != nil:
			errText = errnoText(a.Err)
		}
		c.lv = [4]string{validUTF8(m.Source), validUTF8(m.MountPoint), validUTF8(m.FSType), errText}
		if seen[c.lv] {
			continue
		}
		seen[c.lv] = true
		lv := c.lv[:]
		emit(fsDeviceError, b2f(errText != ""), lv...)
		emit(fsReadOnly, ro, lv...)
		if errText != "" {
			continue
		}
		st := &a.Stat
		bs := float64(st.Bsize)
		emit(fsSize, float64(st.Blocks)*bs, lv...)
		emit(fsFree, float64(st.BlocksFree)*bs, lv...)
		emit(fsAvail, float64(st.BlocksAvail)*bs, lv...)
		emit(fsFiles, float64(st.Files), lv...)
		emit(fsFilesFree, float64(st.FilesFree), lv...)
		emit(fsMountInfo, 1, c.lv[0], strconv.FormatUint(uint64(m.Major), 10), strconv.FormatUint(uint64(m.Minor), 10), c.lv[1])
	}
	return nil
}

// stripRootfs turns a mount point seen from here into the watched
// machine's: /host/home is /home when --rootfs is /host and the table
// read is this container's own.
func (c *filesystem) stripRootfs(mp string) string {
	if c.rootfs == "/" {
		return mp
	}
	rest, ok := strings.CutPrefix(mp, c.rootfs)
	if !ok || (rest != "" && rest[0] != '/') {
		return mp
	}
	if rest == "" {
		return "/"
	}
	return rest
}

// errnoText is node_exporter's device_error label for a failed statfs:
// the kernel's error text alone ("permission denied"), without the path.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

func validUTF8(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.ToValidUTF8(s, "\uFFFD")
		}
	}
	return s
}
