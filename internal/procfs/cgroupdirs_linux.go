package procfs

import (
	"encoding/binary"
	"io/fs"

	"golang.org/x/sys/unix"
)

// appendSubdirs appends the names of dir's subdirectories to names. It
// lists with getdents on a reused buffer rather than os.Open and ReadDir,
// which add fcntl and epoll calls and allocate an entry for every file: a
// cgroup directory holds dozens of files and a few subdirectories.
func appendSubdirs(names []string, dir string, dents []byte) ([]string, []byte, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return names, dents, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	if len(dents) == 0 {
		dents = make([]byte, 8192)
	}
	for {
		n, err := unix.Getdents(fd, dents)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return names, dents, &fs.PathError{Op: "getdents", Path: dir, Err: err}
		}
		if n <= 0 {
			return names, dents, nil
		}
		// linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
		for off := 0; off+19 <= n; {
			reclen := int(binary.NativeEndian.Uint16(dents[off+16:]))
			if reclen == 0 || off+reclen > n {
				break
			}
			typ, name := dents[off+18], dents[off+19:off+reclen]
			off += reclen
			end := 0
			for end < len(name) && name[end] != 0 {
				end++
			}
			name = name[:end]
			if string(name) == "." || string(name) == ".." {
				continue
			}
			if typ == unix.DT_DIR || typ == unix.DT_UNKNOWN && isDir(dir+"/"+string(name)) {
				names = append(names, string(name))
			}
		}
	}
}

// isDir answers for a file system whose listing leaves the type out.
func isDir(path string) bool {
	var st unix.Stat_t
	return unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}
