package main

import (
	"flag"
	"regexp"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/node"
)

// excludeFlags are serve's node_exporter exclusions: the diskstats and
// filesystem collectors' --collector.*-exclude, under shorter names.
type excludeFlags struct {
	disk, mount, fsType *string
}

func addExcludeFlags(fs *flag.FlagSet) excludeFlags {
	return excludeFlags{
		disk:   fs.String("disk-exclude", node.DefaultDiskExclude, "block devices to leave out of node_disk_*, a `regexp` (\"\": none)"),
		mount:  fs.String("mount-exclude", node.DefaultMountExclude, "mount points to leave out of node_filesystem_*, a `regexp` (\"\": none)"),
		fsType: fs.String("fs-type-exclude", node.DefaultFSTypeExclude, "filesystem types to leave out of node_filesystem_*, a `regexp` (\"\": none)"),
	}
}

// apply sets env's exclusions from the flags given, else from the config
// file's server.collector_options, else leaves node_exporter's defaults.
func (x excludeFlags) apply(fs *flag.FlagSet, opts config.CollectorOptions, env *node.Env) error {
	for _, p := range []struct {
		flag string
		val  *string
		file *string
		dst  **regexp.Regexp
	}{
		{"disk-exclude", x.disk, opts.DiskExclude, &env.DiskExclude},
		{"mount-exclude", x.mount, opts.MountExclude, &env.MountExclude},
		{"fs-type-exclude", x.fsType, opts.FSTypeExclude, &env.FSTypeExclude},
	} {
		pattern := p.file
		if isSet(fs, p.flag) {
			pattern = p.val
		}
		if pattern == nil {
			continue
		}
		re, err := node.CompileExclude(*pattern)
		if err != nil {
			return usagef("--%s: %v", p.flag, err)
		}
		*p.dst = re
	}
	return nil
}
