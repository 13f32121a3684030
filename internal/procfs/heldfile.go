package procfs

// maxHeldFiles bounds the files one FS from WithHeldFiles keeps open.
const maxHeldFiles = 32

// heldFiles keeps kernel files open between reads (see WithHeldFiles).
type heldFiles struct {
	fds map[string]int
}

// WithHeldFiles returns fs reading its files (those its methods read whole:
// /proc/stat, meminfo, vmstat, diskstats, net/*, sys/*…) through
// descriptors kept open between calls, up to 32 of them: a read is then a
// pread from offset 0, which has the kernel produce the file afresh, without
// the open's path walk and the close. For one reader that reads at every
// scrape (a node collector); not safe for concurrent use, so each such
// reader takes its own.
func (fs FS) WithHeldFiles() FS {
	fs.held = &heldFiles{fds: map[string]int{}}
	return fs
}

// read reads the whole file at path into buf[:0], through a held
// descriptor when fs has them.
func (fs FS) read(path string, buf []byte) ([]byte, error) {
	if fs.held == nil {
		return statReadFile(path, buf)
	}
	return fs.held.read(path, buf)
}
