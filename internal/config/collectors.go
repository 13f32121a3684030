package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/vigia-dev/vigia/internal/node"
)

// ServerCollectors is `server.collectors:`, which of node_exporter's
// collectors /metrics runs besides (enable) or instead of (disable) the
// default set. `vigia serve --collector`/`--no-collector` override it.
//
//	server:
//	  collectors:
//	    enable: [processes]
//	    disable: [timex, textfile]
type ServerCollectors struct {
	Enable  []string `yaml:"enable"`
	Disable []string `yaml:"disable"`
}

func (c *ServerCollectors) validate(v *Validator) {
	known := node.Names()
	for _, list := range []struct {
		key   string
		names []string
	}{{"enable", c.Enable}, {"disable", c.Disable}} {
		for i, n := range list.names {
			switch {
			case !slices.Contains(known, n):
				v.Errorf(Path("server", "collectors", list.key, i), "unknown collector %q (known: %s)", n, strings.Join(known, ", "))
			case list.key == "disable" && slices.Contains(c.Enable, n):
				v.Errorf(Path("server", "collectors", list.key, i), "collector %q is both enabled and disabled", n)
			}
		}
	}
}

// With merges flags into the file's choice, the flags winning: a
// collector the flags turn on is no longer disabled by the file, and one
// they turn off no longer enabled.
func (c ServerCollectors) With(on, off []string) (enable, disable []string) {
	for _, n := range c.Enable {
		if !slices.Contains(off, n) {
			enable = append(enable, n)
		}
	}
	for _, n := range c.Disable {
		if !slices.Contains(on, n) {
			disable = append(disable, n)
		}
	}
	return append(enable, on...), append(disable, off...)
}

// CollectorOptions is `server.collector_options:`, the settings of the
// node_exporter collectors behind /metrics, as node_exporter's
// --collector.* flags set them. A pattern left out is node_exporter's
// default; an empty one excludes nothing.
//
//	server:
//	  collector_options:
//	    disk_exclude: '^(ram|loop|fd)\d+$'      # --collector.diskstats.device-exclude
//	    mount_exclude: '^/(dev|proc|sys)($|/)'  # --collector.filesystem.mount-points-exclude
//	    fs_type_exclude: '^(proc|sysfs|tmpfs)$' # --collector.filesystem.fs-types-exclude
type CollectorOptions struct {
	DiskExclude   *string `yaml:"disk_exclude"`
	MountExclude  *string `yaml:"mount_exclude"`
	FSTypeExclude *string `yaml:"fs_type_exclude"`
}

func (o *CollectorOptions) validate(v *Validator) {
	for _, p := range []struct {
		key string
		re  *string
	}{{"disk_exclude", o.DiskExclude}, {"mount_exclude", o.MountExclude}, {"fs_type_exclude", o.FSTypeExclude}} {
		if p.re == nil {
			continue
		}
		if _, err := regexp.Compile(*p.re); err != nil {
			v.Errorf(Path("server", "collector_options", p.key), "%s: %v", p.key, err)
		}
	}
}
