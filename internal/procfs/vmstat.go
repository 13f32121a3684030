package procfs

import (
	"bytes"
	"fmt"
)

// VMStat holds the /proc/vmstat counters vigia uses: the ones node_exporter
// exports by default (paging, swapping, faults, OOM kills) and the reclaim
// counters the process walk watches. Has says which the file had: older
// kernels lack some (pgsteal_khugepaged, pgsteal_proactive).
type VMStat struct {
	PgpgIn, PgpgOut, PswpIn, PswpOut, PgFault, PgMajFault, OOMKill    uint64
	PgstealKswapd, PgstealDirect, PgstealKhugepaged, PgstealProactive uint64
	PgstealAnon, PgstealFile                                          uint64
	Has                                                               VMStatFields
	// exported is every counter node_exporter's default field filter
	// passes, in file order; reused, names included, by the next parse.
	exported []VMStatField
}

// VMStatFields is a set of VMStat's fields, one bit each in vmstatFields
// order.
type VMStatFields uint32

// The fields of VMStat.Has a caller may test.
const (
	VMStatPswpIn     VMStatFields = 1 << 2
	VMStatPswpOut    VMStatFields = 1 << 3
	VMStatPgMajFault VMStatFields = 1 << 5
)

// vmstatFields maps each /proc/vmstat name vigia reads to its field.
var vmstatFields = [...]struct {
	name  string
	field func(*VMStat) *uint64
}{
	{"pgpgin", func(v *VMStat) *uint64 { return &v.PgpgIn }},
	{"pgpgout", func(v *VMStat) *uint64 { return &v.PgpgOut }},
	{"pswpin", func(v *VMStat) *uint64 { return &v.PswpIn }},
	{"pswpout", func(v *VMStat) *uint64 { return &v.PswpOut }},
	{"pgfault", func(v *VMStat) *uint64 { return &v.PgFault }},
	{"pgmajfault", func(v *VMStat) *uint64 { return &v.PgMajFault }},
	{"oom_kill", func(v *VMStat) *uint64 { return &v.OOMKill }},
	{"pgsteal_kswapd", func(v *VMStat) *uint64 { return &v.PgstealKswapd }},
	{"pgsteal_direct", func(v *VMStat) *uint64 { return &v.PgstealDirect }},
	{"pgsteal_khugepaged", func(v *VMStat) *uint64 { return &v.PgstealKhugepaged }},
	{"pgsteal_proactive", func(v *VMStat) *uint64 { return &v.PgstealProactive }},
	{"pgsteal_anon", func(v *VMStat) *uint64 { return &v.PgstealAnon }},
	{"pgsteal_file", func(v *VMStat) *uint64 { return &v.PgstealFile }},
}

// VMStatField names one counter of /proc/vmstat and its value.
type VMStatField struct {
	Name  string
	Value uint64
}

// Exported appends to dst the counters node_exporter's vmstat collector
// exports by default, in file order: every name its default field filter
// ^(oom_kill|pgpg|pswp|pg.*fault).* passes, so a kernel's new pg*fault*
// counter is exported as node_exporter would.
func (v *VMStat) Exported(dst []VMStatField) []VMStatField {
	return append(dst, v.exported...)
}

// vmstatExported is node_exporter's default field filter,
// ^(oom_kill|pgpg|pswp|pg.*fault).*, without a regexp.
func vmstatExported(name []byte) bool {
	return bytes.HasPrefix(name, []byte("oom_kill")) || bytes.HasPrefix(name, []byte("pgpg")) ||
		bytes.HasPrefix(name, []byte("pswp")) ||
		(bytes.HasPrefix(name, []byte("pg")) && bytes.Contains(name[2:], []byte("fault")))
}

// Reclaimed sums the counters of pages taken from processes or given back
// to them without the processes running: pages reclaimed (swapped out, or
// file pages unmapped) and pages swapped in. ok is false when the file had
// none of them.
//
// The reclaim a cgroup's limit causes counts in pgsteal_anon and
// pgsteal_file but in none of pgsteal_kswapd, _direct, _khugepaged and
// _proactive, which count the machine's reclaim alone: in a container at its
// memory limit those stay still while its processes lose pages. So the
// split by page type counts where the kernel has it (5.8 on), and the
// split by reclaimer before.
func (v *VMStat) Reclaimed() (sum uint64, ok bool) {
	const (
		byReclaimer = 1<<7 | 1<<8 | 1<<9 | 1<<10 // pgsteal_kswapd … _proactive
		byType      = 1<<11 | 1<<12              // pgsteal_anon, _file
	)
	ok = v.Has&(1<<2|byReclaimer|byType) != 0 // or pswpin
	if v.Has&byType != 0 {
		return v.PswpIn + v.PgstealAnon + v.PgstealFile, ok
	}
	return v.PswpIn + v.PgstealKswapd + v.PgstealDirect + v.PgstealKhugepaged + v.PgstealProactive, ok
}

// ParseVMStat parses /proc/vmstat ("name value" a line) into v, without
// allocating once v has parsed the same machine before. Unknown names are
// skipped: every kernel adds some. A known or exported name with a value
// that is not a number is an error naming the line.
func ParseVMStat(b []byte, v *VMStat) error {
	exported := v.exported[:cap(v.exported)]
	*v = VMStat{}
	n := 0
	defer func() { v.exported = exported[:n] }()
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		name, rest := statCutField(line)
		if vmstatExported(name) {
			num, _ := statCutField(rest)
			val, ok := parseDecimal(num)
			if !ok {
				return fmt.Errorf("line %d: %s: %s is not a number", lineNo, name, statQuote(num))
			}
			if n < len(exported) {
				if exported[n].Name != string(name) { // compared in place, no allocation
					exported[n].Name = string(name)
				}
				exported[n].Value = val
			} else {
				exported = append(exported, VMStatField{Name: string(name), Value: val})
			}
			n++
		}
		for i, f := range vmstatFields {
			if string(name) != f.name {
				continue
			}
			num, _ := statCutField(rest)
			x, ok := parseDecimal(num)
			if !ok {
				return fmt.Errorf("line %d: %s: %s is not a number", lineNo, f.name, statQuote(num))
			}
			*f.field(v) = x
			v.Has |= 1 << i
			break
		}
	}
	return nil
}

// VMStat reads and parses <proc>/vmstat into v, reusing buf as Stat does.
// Errors name the file.
func (fs FS) VMStat(v *VMStat, buf []byte) ([]byte, error) {
	path := fs.Proc("vmstat")
	buf, err := fs.read(path, buf)
	if err != nil {
		return buf, err
	}
	if err := ParseVMStat(buf, v); err != nil {
		return buf, fmt.Errorf("%s: %w", path, err)
	}
	return buf, nil
}
