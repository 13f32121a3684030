//go:build !linux

package procfs

// LocalPIDs reports whether the FS's /proc lists this machine's own
// processes; only Linux can tell, so elsewhere it never does.
func (fs FS) LocalPIDs() bool { return false }
