package node

import "regexp"

// node_exporter's current default exclusions (collector/diskstats_linux.go,
// collector/filesystem_linux.go), which Env's nil exclusions mean.
const (
	DefaultDiskExclude   = `^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`
	DefaultMountExclude  = `^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`
	DefaultFSTypeExclude = `^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$`
)

// CompileExclude compiles an exclusion given on the command line or in the
// config file. The empty pattern excludes nothing, as node_exporter's
// empty --collector.*-exclude does.
func CompileExclude(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return regexp.MustCompile(`[^\s\S]`), nil
	}
	return regexp.Compile(pattern)
}

// excluder answers whether a name is excluded, running the regular
// expression once per name: device names, mount points and fs types are
// few and come back every scrape, so the hot path is a map lookup.
type excluder struct {
	re   *regexp.Regexp
	seen map[string]bool
}

// maxExcluderNames bounds the memo: a host that mounts a new path per
// container would otherwise grow it without end.
const maxExcluderNames = 4096

func newExcluder(re *regexp.Regexp, def string) *excluder {
	if re == nil {
		re = regexp.MustCompile(def)
	}
	return &excluder{re: re, seen: map[string]bool{}}
}

func (x *excluder) excluded(name string) bool {
	if v, ok := x.seen[name]; ok {
		return v
	}
	v := x.re.MatchString(name)
	if len(x.seen) >= maxExcluderNames {
		clear(x.seen)
	}
	x.seen[name] = v
	return v
}
