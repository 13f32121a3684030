//go:build !unix

package store

import "os"

// lockFile only creates the lock file where flock is unavailable: two
// recorders must then be kept apart by the operator.
func lockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
