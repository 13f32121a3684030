package procfs

import "errors"

// ErrIOUnreadable is returned by ReadIO for a process whose /proc/PID/io
// the caller may not read: the kernel asks for the right to trace it
// (another user's process, without privilege).
var ErrIOUnreadable = errors.New("procfs: /proc/PID/io not readable")
