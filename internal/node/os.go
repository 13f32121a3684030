package node

import (
	"errors"
	"fmt"
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
	root string
}

func newOS(env Env) (Collector, error) {
	root := env.Rootfs
	if root == "" {
		root = "/"
	}
	return &osCollector{root: root}, nil
}

func (c *osCollector) Update(emit reading.Emit) error {
	var b []byte
	var path string
	var err error
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		path = filepath.Join(c.root, p)
		if b, err = os.ReadFile(path); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoData
	}
	if err != nil {
		return err
	}
	r, err := ParseOSRelease(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var end time.Time
	if r.SupportEnd != "" {
		if end, err = time.Parse(time.DateOnly, r.SupportEnd); err != nil {
			return fmt.Errorf("%s: SUPPORT_END %q is not a date (YYYY-MM-DD)", path, r.SupportEnd)
		}
	}
	emit(osInfo, 1, r.BuildID, r.ID, r.IDLike, r.ImageID, r.ImageVersion, r.Name, r.PrettyName,
		r.Variant, r.VariantID, r.Version, r.VersionCodename, r.VersionID)
	if v := majorMinor(r.VersionID); v > 0 {
		emit(osVersion, v, r.ID, r.IDLike, r.Name)
	}
	if !end.IsZero() {
		emit(osSupportEnd, float64(end.Unix()))
	}
	return nil
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
