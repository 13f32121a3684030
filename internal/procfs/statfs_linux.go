package procfs

import (
	"os"
	"syscall"
)

// stRdonly is ST_RDONLY of statvfs(3), which Linux also sets in f_flags.
const stRdonly = 1

// Statfs stats the filesystem mounted at path, retrying on EINTR. It may
// block as long as the kernel does: see StatfsGuard.
func Statfs(path string) (FSStat, error) {
	var s syscall.Statfs_t
	for {
		err := syscall.Statfs(path, &s)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return FSStat{}, &os.PathError{Op: "statfs", Path: path, Err: err}
		}
		break
	}
	bs := uint64(s.Frsize)
	if bs == 0 {
		bs = uint64(s.Bsize)
	}
	return FSStat{
		BlockSize: bs, Bsize: uint64(s.Bsize),
		Blocks: s.Blocks, BlocksFree: s.Bfree, BlocksAvail: s.Bavail,
		Files: s.Files, FilesFree: s.Ffree,
		ReadOnly: s.Flags&stRdonly != 0,
	}, nil
}
