package procfs

import (
	"bytes"
)

// OOMVictim is a process the kernel log says the OOM killer killed: its
// PID, its name and, when the log says so, the cgroup it was in (a path
// relative to the cgroup root, "/system.slice/x.service").
type OOMVictim struct {
	PID    int32
	Comm   string
	Cgroup string
}

// ParseKmsgOOM returns the OOM killer's victims in b, records of /dev/kmsg
// one a line ("6,1234,5000000,-;text"; a line that starts with a space
// continues the record before it and is skipped) or lines of dmesg. Two
// lines speak of one kill: "oom-kill:…,task_memcg=/x,task=name,pid=12,…"
// names the cgroup, "Killed process 12 (name)" the process; a victim of
// both is given once, with what both say, in the order first seen.
// Anything else is skipped, so a log of any other content gives none.
func ParseKmsgOOM(b []byte) []OOMVictim {
	var out []OOMVictim
	find := func(pid int32) *OOMVictim {
		for i := range out {
			if out[i].PID == pid {
				return &out[i]
			}
		}
		out = append(out, OOMVictim{PID: pid})
		return &out[len(out)-1]
	}
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		if len(line) == 0 || line[0] == ' ' {
			continue
		}
		if _, text, ok := bytes.Cut(line, []byte(";")); ok && kmsgPrefix(line) {
			line = text
		}
		if i := bytes.Index(line, []byte("oom-kill:")); i >= 0 {
			var v OOMVictim
			for _, f := range bytes.Split(line[i+len("oom-kill:"):], []byte(",")) {
				k, val, _ := bytes.Cut(f, []byte("="))
				switch string(k) {
				case "task_memcg":
					v.Cgroup = string(val)
				case "task":
					v.Comm = string(val)
				case "pid":
					if n, ok := parseDecimal(val); ok && n > 0 && n <= 1<<31-1 {
						v.PID = int32(n)
					}
				}
			}
			if v.PID == 0 {
				continue
			}
			p := find(v.PID)
			p.Cgroup = v.Cgroup
			if p.Comm == "" {
				p.Comm = v.Comm
			}
			continue
		}
		if i := bytes.Index(line, []byte("Killed process ")); i >= 0 {
			rest := line[i+len("Killed process "):]
			num, rest, _ := bytes.Cut(rest, []byte(" "))
			n, ok := parseDecimal(num)
			if !ok || n == 0 || n > 1<<31-1 || len(rest) < 2 || rest[0] != '(' {
				continue
			}
			// A name may hold ") "; the kernel's own "total-vm:" or the
			// line's end marks where it stops.
			name := rest[1:]
			if j := bytes.Index(name, []byte(") total-vm:")); j >= 0 {
				name = name[:j]
			} else if j := bytes.LastIndexByte(name, ')'); j >= 0 {
				name = name[:j]
			}
			p := find(int32(n))
			p.Comm = string(name)
		}
	}
	return out
}

// kmsgPrefix says whether line starts as a /dev/kmsg record does: digits
// and commas (and a dash or flag letters) up to the first ';'.
func kmsgPrefix(line []byte) bool {
	end := bytes.IndexByte(line, ';')
	if end <= 0 {
		return false
	}
	for _, c := range line[:end] {
		if !(c >= '0' && c <= '9' || c == ',' || c == '-' || c == '+' || c == 'c') {
			return false
		}
	}
	return true
}
