package procfs

import (
	"errors"
	"strconv"

	"golang.org/x/sys/unix"
)

// ReadIO reads read_bytes and write_bytes of e's /proc/PID/io: the bytes
// the process made the storage layer fetch and send (rchar and wchar count
// every read and write, pipes and sockets included, so they are not disk).
// It is one open, read and close through the table's /proc descriptor and
// buffers, so it allocates nothing; the caller chooses whom to ask, since
// asking every process every pass would double the cost of a pass.
// A process that is gone returns an error other than ErrIOUnreadable.
func (t *ProcTable) ReadIO(e *ProcEntry) (read, write uint64, err error) {
	if t.dirfd < 0 {
		return 0, 0, errors.New("procfs: process table used after Close")
	}
	t.name = strconv.AppendInt(t.name[:0], int64(e.PID), 10)
	n, err := t.readRel(t.relPath(t.name, "io"), t.buf)
	if err == unix.EACCES || err == unix.EPERM {
		return 0, 0, ErrIOUnreadable
	}
	if err != nil {
		return 0, 0, err
	}
	return ParsePIDIO(t.buf[:n])
}
