package node

import "golang.org/x/sys/unix"

func localUname() (utsname, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return utsname{}, err
	}
	return utsname{
		unix.ByteSliceToString(u.Sysname[:]), unix.ByteSliceToString(u.Release[:]),
		unix.ByteSliceToString(u.Version[:]), unix.ByteSliceToString(u.Machine[:]),
		unix.ByteSliceToString(u.Nodename[:]), unix.ByteSliceToString(u.Domainname[:]),
	}, nil
}
