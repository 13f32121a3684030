//go:build !linux

package procfs

import "syscall"

// atCWD marks a sysDir read by full paths: there is no openat here.
const atCWD = -100

func openat(_ int, name string) (int, error) {
	return syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
}

func openDir(dir string) sysDir { return sysDir{path: dir, fd: atCWD} }

func (sysDir) close() {}
