package procfs

import "syscall"

// atCWD is AT_FDCWD (linux/fcntl.h), which package syscall does not export.
const atCWD = -100

func openat(dirfd int, name string) (int, error) {
	return syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
}

// openDir opens dir for sysDir.attr; one that cannot be opened (gone, no
// permission) is read by full paths, which fail as SysfsAttr reports.
func openDir(dir string) sysDir {
	for {
		fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		switch err {
		case nil:
			return sysDir{path: dir, fd: fd}
		case syscall.EINTR:
			continue
		default:
			return sysDir{path: dir, fd: atCWD}
		}
	}
}

func (d sysDir) close() {
	if d.fd != atCWD {
		syscall.Close(d.fd)
	}
}
