package engine

import (
	"bytes"
	"os"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// residentBytes returns the process's resident set size from
// /proc/self/statm (its second field, in pages). This is the process's own
// file, not the watched machine's, so it is not read under --procfs.
// procfs.ReadFile reads it with an open, a read and a close, where
// os.ReadFile added the file to Go's poller and took it out again, and
// statted it: ten system calls at every self reading.
func residentBytes() (uint64, bool) {
	b, err := procfs.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	return parseStatmRSS(b, uint64(os.Getpagesize()))
}

// parseStatmRSS reads the resident field of a statm line.
func parseStatmRSS(b []byte, pageSize uint64) (uint64, bool) {
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil || pages > (1<<63)/max(pageSize, 1) {
		return 0, false
	}
	return pages * pageSize, true
}
