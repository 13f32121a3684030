package node

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// cpuDirs lists the /sys/devices/system/cpu/cpuN directories exactly as
// filepath.Glob of cpu[0-9]* does, in its order, without listing the
// directory at every scrape: on a small machine the listing was most of
// the cpufreq collector's cost, for a set that changes only with CPU
// hotplug.
//
// The listing is kept with the text of /sys/devices/system/cpu/present
// (read through a held descriptor: one pread) as it read just before the
// listing was made, and made again at the first call where present reads
// differently. A listing is kept only if every present CPU has its
// directory in it. That is safe because of the order in which the kernel
// changes the two:
//
//   - A CPU hot-added (ACPI, s390) is made present before its directory
//     is registered: a listing made in between lacks the directory, fails
//     the check and is not kept, so the next call lists again.
//   - A CPU hot-removed (ACPI, Xen) is offline first, and loses its
//     directory before it stops being present: until present changes the
//     listing may name a directory that is gone. The callers skip it as
//     Glob would have: cpufreq skips offline CPUs anyway, cpu looks at a
//     directory whose online file is missing and calls drop.
//   - Where directories are registered at boot for more than the present
//     CPUs (older arm64 kernels, powerpc), the listing never changes after
//     boot and holds every present CPU.
//   - Where a present CPU has no directory (arm64's vCPU hotplug keeps
//     every possible vCPU present and registers only the enabled ones),
//     the check fails, no listing is kept and every call lists, as before.
//
// Without a readable present file (a fixture tree, an old kernel) every
// call lists. Not safe for concurrent use.
type cpuDirs struct {
	dir     string
	present *procfs.HeldAttrs
	// key is present's text when dirs was listed; valid says dirs may be
	// served for it.
	key   []byte
	valid bool
	dirs  []string
	buf   []byte
	ids   []int
}

func newCPUDirs(fs procfs.FS) *cpuDirs {
	dir := fs.Sys("devices", "system", "cpu")
	return &cpuDirs{dir: dir, present: procfs.NewHeldAttrs(dir, 1)}
}

// list returns the cpuN directories' paths in Glob's order. The slice is
// the cpuDirs' own, until the next list.
func (d *cpuDirs) list() ([]string, error) {
	b, missing, err := d.present.Attr(0, "present", d.buf)
	d.buf = b
	if err != nil || missing {
		d.valid = false
		return d.glob()
	}
	if d.valid && bytes.Equal(b, d.key) {
		return d.dirs, nil
	}
	d.valid = false
	dirs, err := d.glob()
	if err != nil {
		return nil, err
	}
	if d.covers(b) {
		d.key = append(d.key[:0], b...)
		d.valid = true
	}
	return dirs, nil
}

// drop has the next list make the listing again: a caller found one of
// its directories gone.
func (d *cpuDirs) drop() { d.valid = false }

func (d *cpuDirs) glob() ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(d.dir, "cpu[0-9]*"))
	d.dirs = dirs
	return dirs, err
}

// covers reports whether every CPU in present (its text) has its
// directory in d.dirs.
func (d *cpuDirs) covers(present []byte) bool {
	var err error
	if d.ids, err = procfs.AppendCPUList(d.ids[:0], present); err != nil {
		return false
	}
	listed := make(map[int]bool, len(d.dirs))
	for _, p := range d.dirs {
		if n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "cpu")); err == nil {
			listed[n] = true
		}
	}
	for _, id := range d.ids {
		if !listed[id] {
			return false
		}
	}
	return true
}
