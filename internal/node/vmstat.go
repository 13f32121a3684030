package node

import (
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// vmstat is node_exporter's vmstat collector with its default field
// filter, ^(oom_kill|pgpg|pswp|pg.*fault).*: one untyped family a field,
// node_vmstat_<field>.
type vmstat struct {
	fs       procfs.FS
	vm       procfs.VMStat
	buf      []byte
	fields   []procfs.VMStatField
	families familyCache
}

func newVMStat(env Env) (Collector, error) {
	return &vmstat{fs: env.FS, families: familyCache{}}, nil
}

func (c *vmstat) Update(emit reading.Emit) error {
	var err error
	if c.buf, err = c.fs.VMStat(&c.vm, c.buf); err != nil {
		return err
	}
	c.fields = c.vm.Exported(c.fields[:0])
	for _, f := range c.fields {
		emit(c.families.get(f.Name, vmstatFamily), float64(f.Value))
	}
	return nil
}

func vmstatFamily(field string) *reading.Family {
	return &reading.Family{Name: "node_vmstat_" + field, Help: "/proc/vmstat information field " + field + ".", Type: reading.Untyped}
}
