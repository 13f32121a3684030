package procfs

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"syscall"
)

// CgroupStats is what one walk read of one cgroup v2 directory. CPU is read
// on every walk; the rest only when Full is set (see CgroupWalker.Walk).
// The Has* fields are false when the controller is not enabled for the
// group (its file is absent) or the file could not be read.
type CgroupStats struct {
	// Path is relative to the cgroup2 mount, in slash form: "/" for the
	// root, "/system.slice/nginx.service" below it.
	Path   string
	CPU    CgroupCPUStat
	HasCPU bool

	Full               bool
	MemCurrent, MemMax uint64
	HasMem, MemLimited bool
	MemStat            CgroupMemStat
	HasMemStat         bool
	MemEvents          CgroupMemEvents
	HasMemEvents       bool
	Pids               uint64
	HasPids            bool
	IO                 CgroupIO
	HasIO              bool
	Pressure           [3]Pressure // cpu, memory, io, as CgroupPressureResources
	HasPressure        [3]bool
	// SlowErr joins the errors of the files read only when Full: kept
	// with their values, so a caller that shows the last full read in
	// between shows its errors too.
	SlowErr error
}

// CgroupPressureResources names the pressure files a walk reads, in the
// order of CgroupStats.Pressure.
var CgroupPressureResources = [...]string{"cpu", "memory", "io"}

// CgroupWalker walks a cgroup2 mount. It keeps one read buffer across
// walks; it is not safe for concurrent use.
type CgroupWalker struct {
	mount string
	// files holds the groups' files open from one walk to the next: a
	// read is then one pread, without the open's path walk and the close
	// (2.2 µs against 0.6 for a cpu.stat here, BenchmarkHeldVsOpen). A
	// file the last eight walks did not read is closed, so a removed group
	// is let go.
	files heldFiles
	buf   []byte
	dents []byte
	// names is a stack of the subdirectories still to walk, one run per
	// level, so a walk allocates only their names.
	names []string
}

// NewCgroupWalker returns a walker over the cgroup2 mount at mount
// (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host).
func NewCgroupWalker(mount string) *CgroupWalker {
	return &CgroupWalker{mount: mount, files: heldFiles{max: maxWalkFiles}}
}

// maxWalkFiles bounds the files a walker holds open: the cpu.stat of every
// group of a host of a hundred services, and the slower files of some.
const maxWalkFiles = 256

// Walk appends to dst one CgroupStats per cgroup under the mount (the root
// included), sorted by path. Every file it reads is world-readable. full
// says, per path, whether to read the files that change slowly or matter
// less often (memory, pids, io, pressure) besides cpu.stat: callers read
// those every few walks to keep a walk over hundreds of cgroups cheap.
//
// A cgroup that disappears during the walk is left out silently. A file
// that cannot be parsed costs only its field: the errors of directories and
// cpu.stat are joined in the returned error, those of the other files in
// the group's SlowErr, and dst is still complete.
func (w *CgroupWalker) Walk(dst []CgroupStats, full func(path string) bool) ([]CgroupStats, error) {
	start := len(dst)
	var errs []error
	dst = w.walkDir(dst, w.mount, "/", full, &errs)
	w.files.sweep()
	slices.SortFunc(dst[start:], func(a, b CgroupStats) int { return strings.Compare(a.Path, b.Path) })
	return dst, errors.Join(errs...)
}

func (w *CgroupWalker) walkDir(dst []CgroupStats, dir, rel string, full func(string) bool, errs *[]error) []CgroupStats {
	start := len(w.names)
	var err error
	w.names, w.dents, err = appendSubdirs(w.names, dir, w.dents)
	switch {
	case gone(err):
		return dst
	case err != nil:
		*errs = append(*errs, err) // its own files may still be readable
	}
	// Every cgroup2 directory has cpu.stat; one without it vanished
	// under the walk, and its children, if any are left, are still walked.
	if st, ok := w.readGroup(dir, rel, full(rel), errs); ok {
		dst = append(dst, st)
	}
	end := len(w.names)
	for i := start; i < end; i++ {
		name := w.names[i]
		childRel := rel + name
		if rel != "/" {
			childRel = rel + "/" + name
		}
		dst = w.walkDir(dst, dir+"/"+name, childRel, full, errs)
	}
	w.names = w.names[:start]
	return dst
}

// gone reports whether err means the cgroup was removed under the walk.
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENODEV)
}

// readGroup reads one cgroup's files; ok is false when it vanished.
func (w *CgroupWalker) readGroup(dir, rel string, full bool, errs *[]error) (st CgroupStats, ok bool) {
	st.Path, st.Full = rel, full
	var found bool
	st.CPU, found, ok = readInto(w, dir+"/cpu.stat", ParseCgroupCPUStat, errs)
	if !ok {
		return st, false
	}
	st.HasCPU = found
	if !full {
		return st, true
	}
	var slow []error
	st.MemCurrent, st.HasMem, _ = readInto(w, dir+"/memory.current", ParseCgroupUint, &slow)
	if st.HasMem {
		type limit struct {
			v       uint64
			limited bool
		}
		l, _, _ := readInto(w, dir+"/memory.max", func(b []byte) (limit, error) {
			v, limited, err := ParseCgroupMax(b)
			return limit{v, limited}, err
		}, &slow)
		st.MemMax, st.MemLimited = l.v, l.limited
	}
	st.MemStat, st.HasMemStat, _ = readInto(w, dir+"/memory.stat", ParseCgroupMemStat, &slow)
	st.MemEvents, st.HasMemEvents, _ = readInto(w, dir+"/memory.events", ParseCgroupMemEvents, &slow)
	st.Pids, st.HasPids, _ = readInto(w, dir+"/pids.current", ParseCgroupUint, &slow)
	st.IO, st.HasIO, _ = readInto(w, dir+"/io.stat", ParseCgroupIOStat, &slow)
	for i, res := range CgroupPressureResources {
		st.Pressure[i], st.HasPressure[i], _ = readInto(w, dir+"/"+res+".pressure", ParsePressure, &slow)
	}
	st.SlowErr = errors.Join(slow...)
	return st, true
}

// readInto reads and parses one cgroup file with the walker's buffer.
// found is false when the file is absent, unreadable or bad (the last two
// are added to errs); alive is false only when the cgroup itself is gone.
func readInto[T any](w *CgroupWalker, path string, parse func([]byte) (T, error), errs *[]error) (v T, found, alive bool) {
	var err error
	w.buf, err = w.files.read(path, w.buf)
	switch {
	case gone(err):
		// A missing file is a controller not enabled, unless the whole
		// directory went with it; the caller only asks on cpu.stat, which
		// every cgroup2 directory has.
		return v, false, false
	case errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, fs.ErrPermission):
		return v, false, true // psi=0, or a file a hardened host hides
	case err != nil:
		*errs = append(*errs, err)
		return v, false, true
	}
	if v, err = parse(w.buf); err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", path, err))
		var zero T
		return zero, false, true
	}
	return v, true, true
}
