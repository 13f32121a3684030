package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOSReleaseRewritten: the os-release read is kept while a stat finds
// the same file, and read again at the next scrape when it was rewritten
// (a new inode; the same inode with a new modification time or size),
// when /etc/os-release appears in front of /usr/lib/os-release or goes,
// and at every scrape while it was modified too recently for its
// timestamp to tell two writes apart.
func TestOSReleaseRewritten(t *testing.T) {
	t.Parallel()
	dir, _ := tempMachine(t, nil)
	c, _ := newOS(Env{Rootfs: dir})
	usr, etc := filepath.Join(dir, "usr/lib/os-release"), filepath.Join(dir, "etc/os-release")
	for _, d := range []string{usr, etc} {
		if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo := time.Now().Add(-time.Hour).Truncate(time.Second)
	// write changes path's contents in place, or (renamed) writes a new
	// file over it, and sets its modification time.
	write := func(path, id string, mtime time.Time, renamed bool) {
		t.Helper()
		target := path
		if renamed {
			target = path + ".new"
		}
		if err := os.WriteFile(target, []byte("ID="+id+"\nVERSION_ID=1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(target, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		if renamed {
			if err := os.Rename(target, path); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(step, id string) {
		t.Helper()
		got, err := scrape(t, c)
		if want := `id="` + id + `"`; err != nil || !strings.Contains(got, want) {
			t.Errorf("%s: want %s: %v\n%s", step, want, err, got)
		}
	}
	write(usr, "aa", hourAgo, false)
	check("first", "aa")
	// Not what an upgrade does: it shows that the stat alone decides.
	write(usr, "bb", hourAgo, false)
	check("same inode, size and time", "aa")
	write(usr, "bb", hourAgo.Add(time.Second), false)
	check("new modification time", "bb")
	write(usr, "ccc", hourAgo.Add(time.Second), false)
	check("new size", "ccc")
	write(usr, "ddd", hourAgo.Add(time.Second), true)
	check("new inode", "ddd")
	write(etc, "eee", hourAgo.Add(time.Second), false)
	check("etc in front", "eee")
	if err := os.Remove(etc); err != nil {
		t.Fatal(err)
	}
	check("etc gone", "ddd")

	now := time.Now()
	write(usr, "fff", now, false)
	check("just written", "fff")
	write(usr, "ggg", now, false)
	check("written again within the timestamp's grain", "ggg")
}
