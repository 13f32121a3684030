package procfs

import (
	"bytes"
	"errors"
)

// The errors of ParseForks are fixed values: the process walk calls it
// every pass, and a machine (or a test's tree) without the line must not
// cost an allocation each time.
var (
	errNoForks  = errors.New("stat: no processes line")
	errBadForks = errors.New("stat: processes is not a number")
)

// ParseForks returns the "processes" counter of /proc/stat: every fork and
// clone (threads too) since boot. The process walk reads it each pass for
// the fork rate, without parsing the cpu lines it does not need.
func ParseForks(b []byte) (uint64, error) {
	const key = "\nprocesses "
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, errNoForks
	}
	line, _ := cutLine(b[i+len(key):])
	v, ok := parseDecimal(bytes.TrimSpace(line))
	if !ok {
		return 0, errBadForks
	}
	return v, nil
}
