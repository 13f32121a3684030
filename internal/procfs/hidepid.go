package procfs

import (
	"strconv"
	"strings"
)

// HiddenPIDs reports whether the proc mount at mountPoint hides other
// users' processes from an unprivileged reader (hidepid= other than 0 or
// off, proc(5)), and the group its gid= option exempts (-1 when none).
// Of several mounts at mountPoint the last, the one on top, counts.
func HiddenPIDs(ms []Mount, mountPoint string) (hidden bool, gid int) {
	hidden, gid = false, -1
	for _, m := range ms {
		if m.MountPoint != mountPoint || m.FSType != "proc" {
			continue
		}
		hidden, gid = false, -1
		// hidepid is a superblock option before Linux 5.8 and a mount
		// option after; either list may carry it.
		for _, opts := range []string{m.SuperOpts, m.Options} {
			for opts != "" {
				var o string
				o, opts, _ = strings.Cut(opts, ",")
				if v, ok := strings.CutPrefix(o, "hidepid="); ok {
					hidden = v != "0" && v != "off"
				} else if v, ok := strings.CutPrefix(o, "gid="); ok {
					if n, err := strconv.Atoi(v); err == nil {
						gid = n
					}
				}
			}
		}
	}
	return hidden, gid
}
