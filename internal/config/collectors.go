package config

import "regexp"

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
