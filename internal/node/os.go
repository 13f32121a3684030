package node

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

var (
	osInfo = &reading.Family{Name: "node_os_info",
		Help: "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, " +
			"name, pretty_name, variant, variant_id, version, version_codename, version_id.",
		Type: reading.Gauge,
		Labels: []string{"build_id", "id", "id_like", "image_id", "image_version", "name", "pretty_name",
			"variant", "variant_id", "version", "version_codename", "version_id"}}
	osVersion = &reading.Family{Name: "node_os_version",
		Help: "Metric containing the major.minor part of the OS version.", Type: reading.Gauge,
		Labels: []string{"id", "id_like", "name"}}
	osSupportEnd = &reading.Family{Name: "node_os_support_end_timestamp_seconds",
		Help: "Metric containing the end-of-life date timestamp of the OS.", Type: reading.Gauge}
)

// osCollector is node_exporter's os collector: os-release(5) under
// --rootfs, /etc/os-release first, then /usr/lib/os-release.
type osCollector struct {
	// paths are /etc/os-release and /usr/lib/os-release under --rootfs.
	paths [2]string
	// last is the series of the file last read, with its identity: a
	// scrape stats the file and reads and parses it again only when the
	// path found or its device, inode, size or modification time differ.
	// A package upgrade writes a new file and renames it over the old (a
	// new inode); an edit in place changes the modification time. Only
	// one in place that keeps the size within the file system's timestamp
	// granularity could go unseen, so a file modified less than
	// osRacyWindow before it was read is not kept, and is read again
	// until it is older (git's "racily clean" rule). node_exporter keeps
	// its parse by path and modification time alone.
	last *osSeries
}

// osRacyWindow is longer than any local file system's timestamp
// granularity (FAT's 2 s; ext4 without fine-grained timestamps has a
// clock tick).
const osRacyWindow = 2 * time.Second

// osSeries is what one os-release file gives, ready to emit.
type osSeries struct {
	path    string
	file    os.FileInfo
	info    [12]string
	version float64
	verLV   [3]string
	end     time.Time
}

func newOS(env Env) (Collector, error) {
	root := env.Rootfs
	if root == "" {
		root = "/"
	}
	return &osCollector{paths: [2]string{filepath.Join(root, "etc/os-release"), filepath.Join(root, "usr/lib/os-release")}}, nil
}

func (c *osCollector) Update(emit reading.Emit) error {
	s, err := c.series()
	if err != nil {
		return err
	}
	emit(osInfo, 1, s.info[:]...)
	if s.version > 0 {
		emit(osVersion, s.version, s.verLV[:]...)
	}
	if !s.end.IsZero() {
		emit(osSupportEnd, float64(s.end.Unix()))
	}
	return nil
}

// series returns the last file's series if it is still the one found,
// unchanged, and reads and parses the file otherwise.
func (c *osCollector) series() (*osSeries, error) {
	if last := c.last; last != nil {
		for _, path := range c.paths {
			fi, err := os.Stat(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err == nil && path == last.path && os.SameFile(fi, last.file) &&
				fi.Size() == last.file.Size() && fi.ModTime().Equal(last.file.ModTime()) {
				return last, nil
			}
			break
		}
		c.last = nil
	}
	var b []byte
	var fi os.FileInfo
	var path string
	var err error
	for _, path = range c.paths {
		if b, fi, err = readStat(path); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoData
	}
	if err != nil {
		return nil, err
	}
	r, err := ParseOSRelease(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &osSeries{path: path, file: fi,
		info: [12]string{r.BuildID, r.ID, r.IDLike, r.ImageID, r.ImageVersion, r.Name, r.PrettyName,
			r.Variant, r.VariantID, r.Version, r.VersionCodename, r.VersionID},
		version: majorMinor(r.VersionID), verLV: [3]string{r.ID, r.IDLike, r.Name}}
	if r.SupportEnd != "" {
		if s.end, err = time.Parse(time.DateOnly, r.SupportEnd); err != nil {
			return nil, fmt.Errorf("%s: SUPPORT_END %q is not a date (YYYY-MM-DD)", path, r.SupportEnd)
		}
	}
	if time.Since(fi.ModTime()) >= osRacyWindow {
		c.last = s
	}
	return s, nil
}

// readStat reads the file at path with the identity of what it read: the
// stat is of the open file and made before the read, so a change after
// it shows in the next stat.
func readStat(path string) ([]byte, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(f)
	return b, fi, err
}

// majorMinor is the number VERSION_ID starts with, "22.04.3" → 22.04 and
// "12" → 12, as node_exporter reads it; 0 when it starts with no digit.
func majorMinor(s string) float64 {
	digits := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	n := digits(0)
	if n == 0 {
		return 0
	}
	if n < len(s) && s[n] == '.' {
		n = digits(n + 1)
	}
	v, _ := strconv.ParseFloat(strings.TrimSuffix(s[:n], "."), 64)
	return v
}
