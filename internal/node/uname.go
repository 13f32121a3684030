package node

import (
	"path/filepath"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

var unameInfo = &reading.Family{Name: "node_uname_info",
	Help: "Labeled system information as provided by the uname system call.", Type: reading.Gauge,
	Labels: []string{"sysname", "release", "version", "machine", "nodename", "domainname"}}

// utsname is what uname(2) answers, in node_uname_info's label order.
type utsname [6]string

// uname is node_exporter's uname collector. With --procfs at the local
// /proc it asks the uname system call, as node_exporter does; with
// --procfs elsewhere (a container watching its host through a bind
// mount) it reads the same facts from /proc/sys/kernel under that root,
// since the system call would describe vigia's own namespace.
type uname struct {
	fs procfs.FS
	// viaProc is set when --procfs is not the local /proc.
	viaProc bool
	// local answers uname(2) (tests give a fixed one).
	local func() (utsname, error)
}

func newUname(env Env) (Collector, error) {
	return &uname{fs: env.FS, viaProc: filepath.Clean(env.FS.ProcRoot()) != "/proc", local: localUname}, nil
}

func (c *uname) Update(emit reading.Emit) error {
	var u utsname
	var err error
	if c.viaProc {
		u, err = c.procUname()
	} else {
		u, err = c.local()
	}
	if err != nil {
		return err
	}
	emit(unameInfo, 1, u[:]...)
	return nil
}

// procUname reads uname's answer from <proc>/sys/kernel. The machine
// (architecture) is kernel/arch, which kernels before 6.1 lack: there the
// local system call's is used, the kernel being the same one.
func (c *uname) procUname() (utsname, error) {
	var u utsname
	for i, name := range [...]string{"ostype", "osrelease", "version", "arch", "hostname", "domainname"} {
		v, err := c.fs.SysctlString("kernel/" + name)
		if err != nil && name == "arch" {
			l, lerr := c.local()
			v, err = l[3], lerr
		}
		if err != nil {
			return utsname{}, err
		}
		u[i] = v
	}
	return u, nil
}
