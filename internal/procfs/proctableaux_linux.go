package procfs

import (
	"golang.org/x/sys/unix"
)

// A pass reads five files of /proc besides the processes': uptime (the
// interval), meminfo (MemPercent's total), stat (the fork counter), vmstat
// (whether reclaim moved a watched process's RSS) and loadavg (the last
// PID, so a pass without new processes need not list /proc). They are held
// open and read with a pread from offset 0, which has the kernel produce
// them afresh: an open is a path walk, and with the close two more system
// calls a file, ten a pass. Not through FS.WithHeldFiles: its open by path
// allocates the path's bytes and an error at every pass for a file that is
// missing (a trimmed fixture tree), where the walk allocates nothing in a
// steady pass (TestProcTableSteadyStateAllocatesNothing); these open
// relative to the /proc descriptor, with paths kept as bytes.
const (
	auxUptime = iota
	auxMeminfo
	auxStat
	auxVMStat
	auxLoadavg
	auxFiles
)

var auxNames = [auxFiles]string{"uptime", "meminfo", "stat", "vmstat", "loadavg"}

// auxHeld is the descriptors of the aux files, -1 while not open.
type auxHeld [auxFiles]int32

func newAuxHeld() auxHeld {
	var h auxHeld
	for i := range h {
		h[i] = -1
	}
	return h
}

// readAux reads aux file i whole into t.aux through its held descriptor,
// opening it first when it is not; a descriptor whose read fails is
// closed, and the file opened again once.
func (t *ProcTable) readAux(i int) (int, error) {
	if fd := t.auxFD[i]; fd >= 0 {
		n, err := preadFD(int(fd), t.aux)
		if err == nil {
			return n, nil
		}
		unix.Close(int(fd))
		t.auxFD[i] = -1
	}
	fd, err := t.openat(append(append(t.path[:0], auxNames[i]...), 0))
	if err != nil {
		return 0, err
	}
	n, err := readFD(fd, t.aux)
	if err != nil {
		unix.Close(fd)
		return 0, err
	}
	t.auxFD[i] = int32(fd)
	return n, nil
}

// closeAux closes the held aux files.
func (t *ProcTable) closeAux() {
	for i, fd := range t.auxFD {
		if fd >= 0 {
			unix.Close(int(fd))
			t.auxFD[i] = -1
		}
	}
}
