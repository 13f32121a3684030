package procfs

import "path/filepath"

// sysDir reads several attributes of one sysfs directory. Where the
// directory could be opened (Linux), each is opened relative to it with
// openat, so the kernel walks the directory's path once, not once per
// attribute; otherwise by its full path, with the same results.
type sysDir struct {
	path string
	fd   int // atCWD when not opened
}

// attr is SysfsAttr of the directory's attribute name.
func (d sysDir) attr(name string, buf []byte) ([]byte, bool, error) {
	pathOf := func() string { return filepath.Join(d.path, name) }
	if d.fd == atCWD {
		return SysfsAttr(pathOf(), buf)
	}
	return sysfsAttrAt(d.fd, name, pathOf, buf)
}
