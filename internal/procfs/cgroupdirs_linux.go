package procfs

import (
	"golang.org/x/sys/unix"
)

// appendSubdirs appends the names of dir's subdirectories to names. It
// lists with getdents on a reused buffer rather than os.Open and ReadDir,
// which add fcntl and epoll calls and allocate an entry for every file: a
// cgroup directory holds dozens of files and a few subdirectories.
func appendSubdirs(names []string, dir string, dents []byte) ([]string, []byte, error) {
	dents, err := listDir(dir, dents, func(typ byte, name []byte) {
		if typ == unix.DT_DIR || typ == unix.DT_UNKNOWN && isDir(dir+"/"+string(name)) {
			names = append(names, string(name))
		}
	})
	return names, dents, err
}

// isDir answers for a file system whose listing leaves the type out.
func isDir(path string) bool {
	var st unix.Stat_t
	return unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}
