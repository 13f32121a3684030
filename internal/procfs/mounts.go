package procfs

import (
	"bytes"
	"fmt"
	"math"
	"strings"
)

// Mount is one line of /proc/PID/mountinfo.
type Mount struct {
	ID, ParentID int
	Major, Minor uint32
	// Root is the directory of the filesystem mounted here: "/" for a whole
	// filesystem, a subdirectory for a bind mount of part of one.
	Root       string
	MountPoint string
	Options    string // per-mount options, "rw,relatime"
	FSType     string
	Source     string // "/dev/sda1", "tmpfs", "server:/export"
	SuperOpts  string // per-superblock options
}

// ReadOnly reports whether the mount or its superblock is mounted
// read-only, including ext4's emergency_ro after an error.
func (m Mount) ReadOnly() bool {
	return hasOption(m.Options, "ro") || hasOption(m.SuperOpts, "ro") || hasOption(m.SuperOpts, "emergency_ro")
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// MountInfo reads and parses <proc>/<pid>/mountinfo; pid is "self" or a
// process ID such as "1".
func (fs FS) MountInfo(pid string) ([]Mount, error) {
	path := fs.Proc(pid, "mountinfo")
	// The raw read, not os.Open: the filesystem collector reads the table
	// every scrape.
	b, err := fs.read(path, nil)
	if err != nil {
		return nil, err
	}
	ms, err := ParseMountInfo(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ms, nil
}

// ParseMountInfo parses the contents of a mountinfo file (proc(5)): "36 35
// 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root
// rw,errors=continue". Paths have space, tab, newline and backslash escaped
// as octal (\040); they are decoded. A line that does not fit the format is
// an error naming its line number.
func ParseMountInfo(b []byte) ([]Mount, error) {
	var mounts []Mount
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m, err := parseMountLine(string(line))
		if err != nil {
			return mounts, fmt.Errorf("mountinfo line %d: %w", lineNo, err)
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

func parseMountLine(line string) (Mount, error) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if len(f) < 7 || sep < 0 || len(f) < sep+3 {
		return Mount{}, fmt.Errorf("want at least 10 fields with a '-' separator, got %q", line)
	}
	var m Mount
	var ok bool
	if m.ID, ok = mountInt(f[0]); !ok {
		return Mount{}, fmt.Errorf("bad mount ID %q", f[0])
	}
	if m.ParentID, ok = mountInt(f[1]); !ok {
		return Mount{}, fmt.Errorf("bad parent ID %q", f[1])
	}
	maj, min, found := strings.Cut(f[2], ":")
	ma, ok1 := parseDecimal([]byte(maj))
	mi, ok2 := parseDecimal([]byte(min))
	if !found || !ok1 || !ok2 || ma > math.MaxUint32 || mi > math.MaxUint32 {
		return Mount{}, fmt.Errorf("bad device number %q", f[2])
	}
	m.Major, m.Minor = uint32(ma), uint32(mi)
	m.Root = unescapeOctal(f[3])
	m.MountPoint = unescapeOctal(f[4])
	m.Options = f[5]
	m.FSType = unescapeOctal(f[sep+1])
	m.Source = unescapeOctal(f[sep+2])
	if len(f) > sep+3 {
		m.SuperOpts = f[sep+3]
	}
	return m, nil
}

func mountInt(s string) (int, bool) {
	v, ok := parseDecimal([]byte(s))
	if !ok || v > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}

// unescapeOctal decodes the kernel's \ooo escapes (mangle() in
// fs/proc_namespace.c escapes " \t\n\\" this way). A backslash not followed
// by three octal digits is kept as is.
func unescapeOctal(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && octalDigit(s[i+1]) && octalDigit(s[i+2]) && octalDigit(s[i+3]) {
			v := (s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0')
			if s[i+1] <= '3' {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func octalDigit(c byte) bool { return c >= '0' && c <= '7' }
