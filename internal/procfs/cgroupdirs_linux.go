package procfs

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// appendSubdirs appends the names of dir's subdirectories to names. It
// lists with getdents on a reused buffer rather than os.Open and ReadDir,
// which add fcntl and epoll calls and allocate an entry for every file: a
// cgroup directory holds dozens of files and a few subdirectories.
//
// A directory with no subdirectory is not listed at all: its link count is
// 2 (its name and its "."), each subdirectory adding one for its "..".
// The kernel's cgroup file system keeps that count, as ext4 and tmpfs do,
// and most cgroups are leaves, so a walk stats them instead of opening and
// listing them. File systems that do not count (btrfs, an overlay's merged
// directories) say 1, and are listed.
func appendSubdirs(names []string, dir string, dents []byte) ([]string, []byte, error) {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return names, dents, &fs.PathError{Op: "stat", Path: dir, Err: err}
	}
	if st.Nlink == 2 {
		return names, dents, nil
	}
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
