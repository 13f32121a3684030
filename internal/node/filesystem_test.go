package node

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// fakeStatfs answers statfs from a table by path; a path in block waits
// until its channel is closed, as statfs does on a dead NFS mount.
type fakeStatfs struct {
	mu    sync.Mutex
	stats map[string]procfs.FSStat
	errs  map[string]error
	block map[string]chan struct{}
	calls map[string]int
}

func newFakeStatfs(root string) *fakeStatfs {
	f := &fakeStatfs{stats: map[string]procfs.FSStat{}, errs: map[string]error{}, block: map[string]chan struct{}{}, calls: map[string]int{}}
	disk := procfs.FSStat{BlockSize: 4096, Bsize: 4096, Blocks: 1000, BlocksFree: 400, BlocksAvail: 350, Files: 640, FilesFree: 600}
	for _, mp := range []string{"/", "/boot/efi", "/media/user/My Disk", "/home/user/photos", "/tmp", "/mnt/nas", "/mnt/backup",
		"/home/user/.cache/doc", "/run", "/mnt/old", "/home"} {
		st := disk
		st.Blocks += uint64(len(mp)) // tell them apart
		f.stats[filepath.Join(root, mp)] = st
	}
	f.errs[filepath.Join(root, "/run/user/1000")] = &os.PathError{Op: "statfs", Path: "/run/user/1000", Err: syscall.EACCES}
	return f
}

func (f *fakeStatfs) statfs(path string) (procfs.FSStat, error) {
	f.mu.Lock()
	f.calls[path]++
	ch := f.block[path]
	f.mu.Unlock()
	if ch != nil {
		<-ch
	}
	if err := f.errs[path]; err != nil {
		return procfs.FSStat{}, err
	}
	if st, ok := f.stats[path]; ok {
		return st, nil
	}
	return procfs.FSStat{}, &os.PathError{Op: "statfs", Path: path, Err: syscall.ENOENT}
}

func (f *fakeStatfs) callCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

// TestFilesystemGolden: node_exporter's current default exclusions (so
// /run is in, overlay and erofs out), a mount point with a space, a bind
// mount, a mount listed twice, ext4's emergency_ro, a statfs refused
// (device_error="permission denied") and one that hangs.
func TestFilesystemGolden(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake := newFakeStatfs("/")
		release := make(chan struct{})
		defer close(release)
		fake.block["/mnt/nas"] = release
		env := fixtureEnv(t, "testdata/fs-desktop")
		env.Rootfs = "/"
		c := newFilesystemWith(env, fake.statfs, 0)
		checkGolden(t, c, "fs-desktop")
	})
}

// TestFilesystemHungMount: the scrape that meets a hung statfs waits the
// timeout once; later ones do not wait and do not call statfs on it again
// until the stuck call returns; then it is asked again and answers.
func TestFilesystemHungMount(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake := newFakeStatfs("/")
		release := make(chan struct{})
		fake.block["/mnt/nas"] = release
		env := fixtureEnv(t, "testdata/fs-desktop")
		env.Rootfs = "/"
		c := newFilesystemWith(env, fake.statfs, 500*time.Millisecond)
		const stuck = `node_filesystem_device_error{device="nas:/export/media",mountpoint="/mnt/nas",fstype="nfs4",device_error="mountpoint timeout"} 1`
		for i, wantWait := range []time.Duration{500 * time.Millisecond, 0, 0} {
			start := time.Now()
			got, err := scrape(t, c)
			if err != nil {
				t.Fatal(err)
			}
			if waited := time.Since(start); waited != wantWait {
				t.Errorf("scrape %d took %v, want %v", i, waited, wantWait)
			}
			if !strings.Contains(got, stuck) {
				t.Errorf("scrape %d lacks %s", i, stuck)
			}
			if !strings.Contains(got, `node_filesystem_size_bytes{device="/dev/nvme0n1p2",mountpoint="/",fstype="ext4",device_error=""}`) {
				t.Errorf("scrape %d lacks the other mounts:\n%s", i, got)
			}
		}
		if n := fake.callCount("/mnt/nas"); n != 1 {
			t.Errorf("statfs on the hung mount called %d times, want 1", n)
		}
		close(release)
		synctest.Wait()
		got, err := scrape(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if want := `node_filesystem_size_bytes{device="nas:/export/media",mountpoint="/mnt/nas",fstype="nfs4",device_error=""} 4.128768e+06`; !strings.Contains(got, want) {
			t.Errorf("after the server came back, scrape lacks %s:\n%s", want, got)
		}
		if n := fake.callCount("/mnt/nas"); n != 2 {
			t.Errorf("statfs on the recovered mount called %d times in all, want 2", n)
		}
	})
}

func TestFilesystemExclude(t *testing.T) {
	t.Parallel()
	env := fixtureEnv(t, "testdata/fs-desktop")
	env.Rootfs = "/"
	env.MountExclude = regexp.MustCompile(`^/(mnt|media|run|home)($|/)`)
	env.FSTypeExclude = regexp.MustCompile(`^(vfat|tmpfs)$`)
	c := newFilesystemWith(env, newFakeStatfs("/").statfs, 0)
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	var mps []string
	for _, m := range regexp.MustCompile(`(?m)^node_filesystem_readonly\{[^}]*mountpoint="([^"]*)"`).FindAllStringSubmatch(got, -1) {
		mps = append(mps, m[1])
	}
	sort.Strings(mps)
	// With these, the defaults no longer apply: /proc, /sys and the
	// overlay under /var/lib/docker are in.
	want := "/ /dev /dev/pts /proc /proc/fs/nfsd /proc/sys/fs/binfmt_misc /snap/bare /snap/core22/1380 /sys /sys/fs/cgroup /sys/kernel/security /var/lib/containers/storage/overlay /var/lib/docker/overlay2/abc/merged"
	if g := strings.Join(mps, " "); g != want {
		t.Errorf("mount points\n got %s\nwant %s", g, want)
	}
}

// TestFilesystemTables: PID 1's table is the one read; when hidepid hides
// it, this process's own, whose mount points under --rootfs are the
// watched machine's with the prefix taken off.
func TestFilesystemTables(t *testing.T) {
	t.Parallel()
	dir, _ := tempMachine(t, map[string]string{
		"proc/self/mountinfo": "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 8:2 / /host rw - ext4 /dev/sda2 rw\n3 2 8:3 / /host/home rw - xfs /dev/sda3 rw\n4 1 8:4 / /hostile rw - xfs /dev/sda4 rw\n",
	})
	env := fixtureEnv(t, dir)
	env.Rootfs = "/host/"
	fake := newFakeStatfs("/host")
	c := newFilesystemWith(env, fake.statfs, 0)
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`node_filesystem_mount_info{device="/dev/sda2",major="8",minor="2",mountpoint="/"} 1`,
		`node_filesystem_mount_info{device="/dev/sda3",major="8",minor="3",mountpoint="/home"} 1`,
		// Not under /host: kept as it is, and statted under /host.
		`node_filesystem_device_error{device="/dev/sda4",mountpoint="/hostile",fstype="xfs",device_error="no such file or directory"} 1`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("scrape lacks %s:\n%s", want, got)
		}
	}
	if n := fake.callCount("/host/home"); n != 1 {
		t.Errorf("statfs of /home through /host called %d times, want 1", n)
	}
}

// TestFilesystemRealStatfs: without a fake, statfs of a real directory.
func TestFilesystemRealStatfs(t *testing.T) {
	t.Parallel()
	dir, _ := tempMachine(t, map[string]string{
		"proc/1/mountinfo": "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n",
		"root/.keep":       "",
	})
	c, _ := newFilesystem(fixtureEnv(t, dir))
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^node_filesystem_size_bytes\{device="/dev/sda1",mountpoint="/",fstype="ext4",device_error=""\} [1-9]`).MatchString(got) {
		t.Errorf("no size for the temporary directory's filesystem:\n%s", got)
	}
}

func BenchmarkCollectorFilesystem(b *testing.B) {
	c := newFilesystemWith(fixtureEnv(&testing.T{}, "testdata/fs-desktop"), newFakeStatfs("/").statfs, 0)
	c.rootfs = "/"
	var buf buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.samples, buf.labels = buf.samples[:0], buf.labels[:0]
		if err := c.Update(buf.emit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectorFilesystemThisMachine reads this machine's mount table
// and statfs's its mounts, as a scrape does.
func BenchmarkCollectorFilesystemThisMachine(b *testing.B) {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	c, _ := newFilesystem(Env{FS: fs, Rootfs: "/"})
	var buf buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.samples, buf.labels = buf.samples[:0], buf.labels[:0]
		if err := c.Update(buf.emit); err != nil {
			b.Fatal(err)
		}
	}
}
