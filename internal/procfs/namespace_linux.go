package procfs

import (
	"bytes"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// LocalPIDs reports whether the FS's /proc is procfs mounted for the
// caller's own PID namespace, so the PIDs it lists are the ones kill(2) here
// reaches. A fixture tree, a copy of another machine's, or a container's
// /proc seen from its host is not: there a PID names some other process, or
// none.
func (fs FS) LocalPIDs() bool {
	dirfd, err := unix.Open(fs.proc, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(dirfd)
	return ownNamespace(dirfd, func(path []byte) ([]byte, error) {
		return ReadFile(filepath.Join(fs.proc, string(bytes.TrimSuffix(path, []byte{0}))))
	})
}
