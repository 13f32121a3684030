package procfs

import (
	"bytes"
	"errors"
	"fmt"
)

// ParseForks returns the "processes" counter of /proc/stat: every fork and
// clone (threads too) since boot. The process walk reads it each pass for
// the fork rate, without parsing the cpu lines it does not need.
func ParseForks(b []byte) (uint64, error) {
	const key = "\nprocesses "
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, errors.New("stat: no processes line")
	}
	line, _ := cutLine(b[i+len(key):])
	v, ok := parseDecimal(bytes.TrimSpace(line))
	if !ok {
		return 0, fmt.Errorf("stat: bad processes %q", truncated(line))
	}
	return v, nil
}
