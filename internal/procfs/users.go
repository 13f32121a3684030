package procfs

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// SystemPasswd is the user database that names uids. It is the real one, not
// one under the procfs root: vigia shows users as this machine names them.
const SystemPasswd = "/etc/passwd"

// Users turns uids into user names from a passwd file, cached. A uid the file
// does not name is shown as its number, like ps does; the file is read again
// when it has changed (a user added while vigia runs), checked on a miss.
// Users is safe for concurrent use.
type Users struct {
	path string

	mu      sync.Mutex
	names   map[uint32]string
	loaded  bool
	modTime time.Time
	size    int64
}

// NewUsers returns a cache over the passwd file at path (SystemPasswd in
// production, a fixture in tests). The file is read on first use.
func NewUsers(path string) *Users {
	return &Users{path: path, names: make(map[uint32]string)}
}

// Name returns the user name for uid, or uid in decimal when the passwd file
// has no such user or cannot be read.
func (u *Users) Name(uid uint32) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.loaded {
		u.load()
	}
	if n, ok := u.names[uid]; ok {
		return n
	}
	if fi, err := os.Stat(u.path); err == nil && (!fi.ModTime().Equal(u.modTime) || fi.Size() != u.size) {
		u.load()
		if n, ok := u.names[uid]; ok {
			return n
		}
	}
	// Misses are not cached: lookups happen only for new processes, and a
	// stat each is cheap next to noticing the user once it is added.
	return strconv.FormatUint(uint64(uid), 10)
}

func (u *Users) load() {
	u.loaded = true
	clear(u.names)
	fi, err := os.Stat(u.path)
	if err != nil {
		return
	}
	u.modTime, u.size = fi.ModTime(), fi.Size()
	b, err := ReadFile(u.path)
	if err != nil {
		return
	}
	for uid, name := range ParsePasswd(b) {
		u.names[uid] = name
	}
}

// ParsePasswd returns uid → name from passwd(5) lines. Comments, blank and
// malformed lines are skipped; when a uid appears twice the first name wins,
// as getpwuid gives it.
func ParsePasswd(b []byte) map[uint32]string {
	m := make(map[uint32]string)
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		name, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			continue
		}
		_, rest, ok = bytes.Cut(rest, []byte(":")) // password
		if !ok {
			continue
		}
		uidField, _, _ := bytes.Cut(rest, []byte(":"))
		uid, ok := parseDecimal(uidField)
		if !ok || uid > 1<<32-1 {
			continue
		}
		if _, dup := m[uint32(uid)]; !dup {
			m[uint32(uid)] = string(name)
		}
	}
	return m
}
