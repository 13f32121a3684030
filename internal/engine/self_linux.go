package engine

import (
	"bytes"
	"os"
	"strconv"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// selfFiles holds /proc/self/statm open from one self reading to the
// next: opening it walks /proc/self's link and the process's directory,
// 1.5–1.8 % of vigia top's and vigia serve's CPU (perf), where a pread of
// the held file is one call.
var selfFiles = procfs.FS{}.WithHeldFiles()

// residentBytes returns the process's resident set size from
// /proc/self/statm (its second field, in pages). This is the process's own
// file, not the watched machine's, so it is not read under --procfs.
func residentBytes() (uint64, bool) {
	b, err := selfFiles.ReadFile("/proc/self/statm")
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
