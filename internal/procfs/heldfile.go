package procfs

import "sync"

// maxHeldFiles bounds the files one FS from WithHeldFiles keeps open.
const maxHeldFiles = 32

// heldSweeps is how many sweeps a held file may go unread before it is
// closed: more than the passes between two reads of a group's slow files
// (the cgroups sensor reads them every fifth pass), so those are not closed
// and opened again each time, and few enough that a removed group is let
// go within seconds.
const heldSweeps = 8

// heldFiles keeps kernel files open between reads (see WithHeldFiles).
type heldFiles struct {
	mu  sync.Mutex
	fds map[string]heldFile // nil until the first read
	max int                 // 0: maxHeldFiles
	// pass counts SweepHeld calls: a file not read in the last
	// heldSweeps of them is closed.
	pass uint64
}

// heldFile is one open descriptor and the pass that last read it.
type heldFile struct {
	fd   int
	pass uint64
}

// WithHeldFiles returns fs reading its files (those its methods read whole:
// /proc/stat, meminfo, vmstat, diskstats, net/*, sys/*, and ReadFile's)
// through descriptors kept open between calls, up to 32 of them: a read is
// then a pread from offset 0, which has the kernel produce the file afresh,
// without the open's path walk and the close. For one reader that reads the
// same files at every pass (a sensor, a node collector); the copies of the
// returned FS share its descriptors, and a lock keeps a reader's helper
// goroutines from racing on them.
//
// A reader whose paths come and go (cgroup files) calls SweepHeld at the
// end of each pass: an open file of a removed cgroup keeps the kernel's
// record of it alive.
func (fs FS) WithHeldFiles() FS {
	fs.held = &heldFiles{}
	return fs
}

// SweepHeld closes the held files not read in the last 8 calls (one a
// pass). A no-op on an FS without held files.
func (fs FS) SweepHeld() {
	if fs.held != nil {
		fs.held.sweep()
	}
}

// read reads the whole file at path into buf[:0], through a held
// descriptor when fs has them.
func (fs FS) read(path string, buf []byte) ([]byte, error) {
	if fs.held == nil {
		return statReadFile(path, buf)
	}
	return fs.held.read(path, buf)
}

// ReadFile is the package's ReadFile, through fs's held descriptors when
// it has them.
func (fs FS) ReadFile(path string) ([]byte, error) {
	b, err := fs.read(path, nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}
