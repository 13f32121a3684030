//go:build !linux

package sensor

func statfs(string) (FSStat, error) { return FSStat{}, ErrUnsupported }
