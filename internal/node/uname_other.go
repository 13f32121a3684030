//go:build !linux

package node

import "errors"

func localUname() (utsname, error) {
	return utsname{}, errors.New("uname: not supported on this platform")
}
