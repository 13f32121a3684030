package node

import (
	"strings"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// meminfo is node_exporter's meminfo collector: every field of
// /proc/meminfo, under node_memory_<Field>_bytes (kB fields) or
// node_memory_<Field> (counts such as HugePages_Total). Current
// node_exporter exports a fixed list of 48 fields; vigia exports every
// field the kernel has (KReclaimable, SecPageTables, FileHugePages…), as
// node_exporter 1.5 did, so no dashboard loses a series either way.
type meminfo struct {
	fs       procfs.FS
	mi       procfs.MemInfo
	buf      []byte
	families familyCache
}

func newMeminfo(env Env) (Collector, error) {
	return &meminfo{fs: env.FS, families: familyCache{}}, nil
}

func (c *meminfo) Update(emit reading.Emit) error {
	var err error
	if c.buf, err = c.fs.MemInfo(&c.mi, c.buf); err != nil {
		return err
	}
	for _, f := range c.mi.Fields {
		mk := memInfoCountFamily
		if f.Bytes { // a field's unit never changes, so its name is the key
			mk = memInfoBytesFamily
		}
		emit(c.families.get(f.Name, mk), float64(f.Value))
	}
	return nil
}

func memInfoBytesFamily(field string) *reading.Family { return memInfoFamily(field, true) }
func memInfoCountFamily(field string) *reading.Family { return memInfoFamily(field, false) }

func memInfoFamily(field string, bytes bool) *reading.Family {
	name := memInfoName(field, bytes)
	typ := reading.Gauge
	if strings.HasSuffix(name, "_total") { // node_exporter's rule; no kernel field matches today
		typ = reading.Counter
	}
	short := strings.TrimPrefix(name, "node_memory_")
	return &reading.Family{Name: name, Help: "Memory information field " + short + ".", Type: typ}
}

// memInfoName returns node_exporter's metric name for a /proc/meminfo
// field: "Active(anon)" in kB is node_memory_Active_anon_bytes,
// HugePages_Total (a count) node_memory_HugePages_Total. node_exporter
// replaces \((.*)\) with _$1: from the first "(" to the last ")".
func memInfoName(field string, bytes bool) string {
	if i := strings.IndexByte(field, '('); i >= 0 {
		if j := strings.LastIndexByte(field, ')'); j > i {
			field = field[:i] + "_" + field[i+1:j] + field[j+1:]
		}
	}
	name := "node_memory_" + field
	if bytes {
		name += "_bytes"
	}
	return name
}
