//go:build !linux

package procfs

import "errors"

// Statfs is Linux only for now.
func Statfs(string) (FSStat, error) { return FSStat{}, errors.ErrUnsupported }
