package sensor

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// nodeExporterDiskExclude is node_exporter's default
// --collector.diskstats.device-exclude, which ignoredDisk writes out by hand.
var nodeExporterDiskExclude = regexp.MustCompile(`^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`)

func TestIgnoredDisk(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"sda", "sda1", "sdb12", "sdaa1", "hda1", "vda", "vda3", "xvda", "xvda1", "xvd1",
		"nvme0n1", "nvme0n1p1", "nvme10n2p15", "nvme0n1p", "nvmen1p1", "nvme0p1", "nvme0c0n1",
		"loop0", "loop", "loop0p1", "ram0", "zram0", "zram", "fd0", "fdx", "dm-0", "md127",
		"mmcblk0", "mmcblk0p1", "sr0", "nbd0", "", "sd", "sda1x", "rbd0",
	} {
		if got, want := ignoredDisk(name), nodeExporterDiskExclude.MatchString(name); got != want {
			t.Errorf("ignoredDisk(%q) = %v, node_exporter's rule says %v", name, got, want)
		}
	}
}

func FuzzIgnoredDisk(f *testing.F) {
	for _, s := range []string{"sda1", "nvme0n1p2", "zram0", "xvdb9", "md0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := ignoredDisk(name), nodeExporterDiskExclude.MatchString(name); got != want {
			t.Errorf("ignoredDisk(%q) = %v, node_exporter's rule says %v", name, got, want)
		}
	})
}

func TestRealMounts(t *testing.T) {
	t.Parallel()
	all, err := machineFS(t, "disks").MountInfo("self")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range realMounts(all) {
		got = append(got, m.MountPoint+" "+m.FSType+" "+m.Source)
	}
	want := []string{
		"/ ext4 /dev/nvme0n1p2",
		"/boot/efi vfat /dev/nvme0n1p1",
		"/media/user/My Disk exfat /dev/sda1", // the whole filesystem, not its bind mount at /home/user/photos
		"/mnt/backup ext4 /dev/sdb",
		"/mnt/nas nfs4 nas:/export/media",
		"/run tmpfs tmpfs",
		"/run/user/1000 tmpfs tmpfs",
		"/tmp tmpfs tmpfs",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("realMounts mismatch (-want +got):\n%s", diff)
	}

	stacked := []procfs.Mount{
		{Major: 0, Minor: 23, Root: "/", MountPoint: "/data", FSType: "tmpfs", Source: "lower"},
		{Major: 0, Minor: 27, Root: "/", MountPoint: "/data", FSType: "tmpfs", Source: "upper"},
		{Major: 8, Minor: 1, Root: "/sub", MountPoint: "/a", FSType: "ext4", Source: "/dev/sda1"},
		{Major: 8, Minor: 1, Root: "/sub", MountPoint: "/b/c", FSType: "ext4", Source: "/dev/sda1"},
	}
	got = nil
	for _, m := range realMounts(stacked) {
		got = append(got, m.MountPoint+" "+m.Source)
	}
	if diff := cmp.Diff([]string{"/a /dev/sda1", "/data upper"}, got); diff != "" {
		t.Errorf("realMounts of stacked and bind mounts mismatch (-want +got):\n%s", diff)
	}
}

// fakeStatfs answers statfs from a table by path; a path listed in block
// waits until its channel is closed, as statfs does on a dead NFS mount.
type fakeStatfs struct {
	mu    sync.Mutex
	stats map[string]procfs.FSStat
	block map[string]chan struct{}
	calls map[string]int
}

func (f *fakeStatfs) statfs(path string) (procfs.FSStat, error) {
	f.mu.Lock()
	f.calls[path]++
	st, ok := f.stats[path]
	wait := f.block[path]
	f.mu.Unlock()
	if wait != nil {
		<-wait
	}
	if !ok {
		return procfs.FSStat{}, &os.PathError{Op: "statfs", Path: path, Err: errors.New("permission denied")}
	}
	return st, nil
}

func (f *fakeStatfs) callCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

func newFakeStatfs(prefix string) *fakeStatfs {
	gib := uint64(1 << 30 / 4096)
	p := func(mp string) string { return filepath.Join(prefix, mp) }
	return &fakeStatfs{
		stats: map[string]procfs.FSStat{
			p("/"):                   {BlockSize: 4096, Blocks: 100 * gib, BlocksFree: 40 * gib, BlocksAvail: 35 * gib, Files: 6000000, FilesFree: 5000000},
			p("/boot/efi"):           {BlockSize: 4096, Blocks: 131072, BlocksFree: 100000, BlocksAvail: 100000},
			p("/media/user/My Disk"): {BlockSize: 131072, Blocks: 1000, BlocksFree: 50, BlocksAvail: 50, Files: 0, FilesFree: 0},
			p("/mnt/backup"):         {BlockSize: 4096, Blocks: 1000, BlocksFree: 0, BlocksAvail: 0, Files: 10, FilesFree: 1, ReadOnly: true},
			p("/mnt/nas"):            {BlockSize: 4096, Blocks: 1000, BlocksFree: 10, BlocksAvail: 10},
			p("/run"):                {BlockSize: 4096, Blocks: 1000, BlocksFree: 990, BlocksAvail: 990, Files: 100, FilesFree: 50},
			p("/tmp"):                {BlockSize: 4096, Blocks: 0},
			// /run/user/1000 is missing: its statfs fails.
		},
		block: map[string]chan struct{}{},
		calls: map[string]int{},
	}
}

// advanceDiskstats rewrites the fixture's diskstats two seconds of I/O later.
func advanceDiskstats(t *testing.T, root string) {
	t.Helper()
	path := filepath.Join(root, "proc", "diskstats")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b),
		" 259       0 nvme0n1 1105361 229766 94839362 227011 2893457 1520180 158339522 3279474 0 1430788 ",
		// +200 reads of 4096 sectors, +100 writes of 2048 sectors, 1500 ms busy
		" 259       0 nvme0n1 1105561 229766 95658562 227211 2893557 1520180 158544322 3279574 0 1432288 ", 1)
	// sda was replaced: its counters went back.
	s = strings.Replace(s, "   8       0 sda 52144 1245 6250818", "   8       0 sda 10 0 80", 1)
	writeFile(t, path, s)
}

func TestDisk(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "disks")
	fake := newFakeStatfs("/")
	d := newDisk(fs, "", 0, fake.statfs)
	if d.Name() != reading.SensorDisk {
		t.Errorf("Name() = %q", d.Name())
	}
	if _, err := d.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() = %v, want ErrWarmup", err)
	}
	if n := fake.callCount("/"); n != 0 {
		t.Errorf("warm-up read statted / %d times, want 0", n)
	}
	advanceDiskstats(t, root)
	r, err := d.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Sensor != reading.SensorDisk || r.Primary != reading.DiskUsedPercent || r.Note != "" {
		t.Errorf("reading %q primary %q note %q", r.Sensor, r.Primary, r.Note)
	}
	lines := metricLines(r)
	var fsLines, ioLines []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "fs."), strings.HasPrefix(l, "disk.used_percent"):
			fsLines = append(fsLines, l)
		case strings.Contains(l, `device="nvme0n1"`), strings.Contains(l, `device="sda"`):
			ioLines = append(ioLines, l)
		}
	}
	root40 := `{device="/dev/nvme0n1p2",fstype="ext4",mountpoint="/"}`
	efi := `{device="/dev/nvme0n1p1",fstype="vfat",mountpoint="/boot/efi"}`
	media := `{device="/dev/sda1",fstype="exfat",mountpoint="/media/user/My Disk"}`
	backup := `{device="/dev/sdb",fstype="ext4",mountpoint="/mnt/backup"}`
	nas := `{device="nas:/export/media",fstype="nfs4",mountpoint="/mnt/nas"}`
	run := `{device="tmpfs",fstype="tmpfs",mountpoint="/run"}`
	user := `{device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"}`
	want := []string{
		// The fullest writable filesystem is the NAS; the read-only, full
		// backup disk does not count.
		"disk.used_percent 99 %",
		"fs.size" + root40 + " 1.073741824e+11 B",
		"fs.free" + root40 + " 4.294967296e+10 B",
		"fs.avail" + root40 + " 3.758096384e+10 B",
		"fs.used_percent" + root40 + " 63.1578947368421 %", // 60 / (60 + 35), as df
		"fs.files" + root40 + " 6e+06",
		"fs.files_free" + root40 + " 5e+06",
		"fs.readonly" + root40 + " 0",
		"fs.error" + root40 + " 0",
		"fs.size" + efi + " 5.36870912e+08 B",
		"fs.free" + efi + " 4.096e+08 B",
		"fs.avail" + efi + " 4.096e+08 B",
		"fs.used_percent" + efi + " 23.7060546875 %",
		"fs.files" + efi + " 0",
		"fs.files_free" + efi + " 0",
		"fs.readonly" + efi + " 0",
		"fs.error" + efi + " 0",
		"fs.size" + media + " 1.31072e+08 B",
		"fs.free" + media + " 6.5536e+06 B",
		"fs.avail" + media + " 6.5536e+06 B",
		"fs.used_percent" + media + " 95 %",
		"fs.files" + media + " 0",
		"fs.files_free" + media + " 0",
		"fs.readonly" + media + " 0",
		"fs.error" + media + " 0",
		"fs.size" + backup + " 4.096e+06 B",
		"fs.free" + backup + " 0 B",
		"fs.avail" + backup + " 0 B",
		"fs.used_percent" + backup + " 100 %",
		"fs.files" + backup + " 10",
		"fs.files_free" + backup + " 1",
		"fs.readonly" + backup + " 1",
		"fs.error" + backup + " 0",
		"fs.size" + nas + " 4.096e+06 B",
		"fs.free" + nas + " 40960 B",
		"fs.avail" + nas + " 40960 B",
		"fs.used_percent" + nas + " 99 %",
		"fs.files" + nas + " 0",
		"fs.files_free" + nas + " 0",
		"fs.readonly" + nas + " 0",
		"fs.error" + nas + " 0",
		"fs.size" + run + " 4.096e+06 B",
		"fs.free" + run + " 4.05504e+06 B",
		"fs.avail" + run + " 4.05504e+06 B",
		"fs.used_percent" + run + " 1 %",
		"fs.files" + run + " 100",
		"fs.files_free" + run + " 50",
		"fs.readonly" + run + " 0",
		"fs.error" + run + " 0",
		"fs.error" + user + " 1",
		// /tmp reports no blocks: hidden, as df does.
	}
	if diff := cmp.Diff(want, fsLines); diff != "" {
		t.Errorf("filesystem metrics mismatch (-want +got):\n%s", diff)
	}
	nv := `{device="nvme0n1"}`
	wantIO := []string{
		"disk.read_bytes" + nv + " 2.097152e+08 B/s", // 409600 sectors in 2 s
		"disk.write_bytes" + nv + " 5.24288e+07 B/s",
		"disk.reads" + nv + " 100 /s",
		"disk.writes" + nv + " 50 /s",
		"disk.busy_percent" + nv + " 75 %", // 1500 ms busy in 2000 ms
		"disk.read_bytes_total" + nv + " 4.8977183744e+10 B counter",
		"disk.written_bytes_total" + nv + " 8.1174692864e+10 B counter",
		"disk.reads_completed_total" + nv + " 1.105561e+06 counter",
		"disk.writes_completed_total" + nv + " 2.893557e+06 counter",
		"disk.read_time_seconds_total" + nv + " 227.211 s counter",
		"disk.write_time_seconds_total" + nv + " 3279.574 s counter",
		"disk.io_time_seconds_total" + nv + " 1432.288 s counter",
		// sda's counters went back: no rates, only the new counters.
		`disk.read_bytes_total{device="sda"} 40960 B counter`,
		`disk.written_bytes_total{device="sda"} 5.8089472e+07 B counter`,
		`disk.reads_completed_total{device="sda"} 10 counter`,
		`disk.writes_completed_total{device="sda"} 1421 counter`,
		`disk.read_time_seconds_total{device="sda"} 91.04 s counter`,
		`disk.write_time_seconds_total{device="sda"} 20.314 s counter`,
		`disk.io_time_seconds_total{device="sda"} 47.304 s counter`,
	}
	if diff := cmp.Diff(wantIO, ioLines); diff != "" {
		t.Errorf("I/O metrics mismatch (-want +got):\n%s", diff)
	}
	var devices []string
	for _, m := range r.Metrics {
		if m.Name == reading.DiskReadsTotal {
			devices = append(devices, m.Label("device"))
		}
	}
	if diff := cmp.Diff([]string{"nvme0n1", "sda", "sdb", "dm-0", "md127", "mmcblk0", "mmcblk0p1"}, devices); diff != "" {
		t.Errorf("devices mismatch (-want +got):\n%s", diff)
	}
}

func TestDiskHungStatfs(t *testing.T) {
	t.Parallel()
	_, fs := copyMachine(t, "disks")
	synctest.Test(t, func(t *testing.T) {
		fake := newFakeStatfs("/")
		release := make(chan struct{})
		fake.block["/mnt/nas"] = release
		d := newDisk(fs, "/", 500*time.Millisecond, fake.statfs)
		ctx := context.Background()
		if _, err := d.Read(ctx, time.Now()); !errors.Is(err, ErrWarmup) {
			t.Fatal(err)
		}
		start := time.Now()
		r, err := d.Read(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 500*time.Millisecond {
			t.Errorf("Read with a hung statfs took %v, want the 500ms timeout", waited)
		}
		nasErr := func(r reading.Reading) (float64, bool) {
			for _, m := range r.Metrics {
				if m.Label("mountpoint") == "/mnt/nas" {
					if m.Name != reading.FSError {
						return 0, true
					}
					return m.Value, false
				}
			}
			return -1, false
		}
		if v, other := nasErr(r); v != 1 || other {
			t.Errorf("hung mount: fs.error = %v (other metrics: %v), want 1 and nothing else", v, other)
		}
		if !strings.Contains(r.Note, "/mnt/nas") {
			t.Errorf("Note = %q, want it to name /mnt/nas", r.Note)
		}
		if v, ok := r.Value(reading.DiskUsedPercent); !ok || v != 95 {
			t.Errorf("the other mounts are still reported: used %% = %v, %v; want 95", v, ok)
		}

		// Still hung: Read does not wait again on a call known to be stuck,
		// and does not start a second one.
		start = time.Now()
		r, err = d.Read(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("second Read took %v, want no wait", waited)
		}
		if n := fake.callCount("/mnt/nas"); n != 1 {
			t.Errorf("statfs on the hung mount called %d times, want 1", n)
		}
		if v, _ := nasErr(r); v != 1 {
			t.Errorf("still hung: fs.error = %v, want 1", v)
		}
		if want := "statfs not answering (dead network mount?): /mnt/nas (for 1s)"; r.Note != want {
			t.Errorf("Note = %q, want %q", r.Note, want)
		}

		// The server comes back: the next read asks again and gets an answer.
		close(release)
		synctest.Wait()
		r, err = d.Read(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n := fake.callCount("/mnt/nas"); n != 2 {
			t.Errorf("statfs on the recovered mount called %d times in all, want 2", n)
		}
		if v, other := nasErr(r); v != 0 || !other {
			t.Errorf("recovered mount: fs.error = %v, want 0 with its usage", v)
		}
		if r.Note != "" {
			t.Errorf("Note = %q after recovery, want none", r.Note)
		}
	})
}

func TestDiskReadDeadline(t *testing.T) {
	t.Parallel()
	_, fs := copyMachine(t, "disks")
	synctest.Test(t, func(t *testing.T) {
		fake := newFakeStatfs("/")
		release := make(chan struct{})
		defer close(release)
		// The NFS mount: a local filesystem is asked on the read's own
		// goroutine (procfs.StatfsGuard).
		fake.block["/mnt/nas"] = release
		d := newDisk(fs, "/", time.Hour, fake.statfs)
		if _, err := d.Read(context.Background(), time.Now()); !errors.Is(err, ErrWarmup) {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := d.Read(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited > 100*time.Millisecond {
			t.Errorf("Read waited %v past its context's deadline of 100ms", waited)
		}
	})
}

func TestDiskRootfs(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "disks")
	// The host's table is PID 1's; the container's own would be self's.
	if err := os.MkdirAll(filepath.Join(root, "proc", "1"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "proc", "1", "mountinfo"), "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n")
	fake := newFakeStatfs("/host")
	d := newDisk(fs, "/host/", time.Second, fake.statfs)
	if _, err := d.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatal(err)
	}
	r, err := d.Read(context.Background(), t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if n := fake.callCount("/host"); n != 1 {
		t.Errorf("statfs of the host's root through /host called %d times, want 1", n)
	}
	var mps []string
	for _, m := range r.Metrics {
		if m.Name == reading.FSSize {
			mps = append(mps, m.Label("mountpoint"))
		}
	}
	if diff := cmp.Diff([]string{"/"}, mps); diff != "" {
		t.Errorf("mount points (as the host names them) mismatch (-want +got):\n%s", diff)
	}
}

func TestDiskBadFiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, file, body, wantErr string }{
		{"truncated diskstats", "diskstats", "   8 0 sda 1 2 3", "diskstats line 1: 6 fields"},
		{"garbage diskstats", "diskstats", "\xff\xfe\x00 garbage 1 2 3 4 5 6 7 8 9 10 11 12 13", "bad device number"},
		{"garbage mountinfo", "self/mountinfo", "garbage\n", "mountinfo line 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root, fs := copyMachine(t, "disks")
			d := newDisk(fs, "/", time.Second, newFakeStatfs("/").statfs)
			_, err := d.Read(context.Background(), t0)
			if tt.file != "diskstats" && errors.Is(err, ErrWarmup) {
				writeFile(t, filepath.Join(root, "proc", tt.file), tt.body)
				_, err = d.Read(context.Background(), t0.Add(time.Second))
			} else {
				writeFile(t, filepath.Join(root, "proc", tt.file), tt.body)
				_, err = newDisk(fs, "/", time.Second, newFakeStatfs("/").statfs).Read(context.Background(), t0)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("Read() error = %v, want one naming %s and containing %q", err, tt.file, tt.wantErr)
			}
		})
	}
}

func TestDiskWithoutDiskstats(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "disks")
	if err := os.Remove(filepath.Join(root, "proc", "diskstats")); err != nil {
		t.Fatal(err)
	}
	d := newDisk(fs, "/", time.Second, newFakeStatfs("/").statfs)
	if _, err := d.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() = %v, want ErrWarmup", err)
	}
	r, err := d.Read(context.Background(), t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.Value(reading.DiskUsedPercent); !ok || v != 99 {
		t.Errorf("without diskstats: used %% = %v, %v; want the filesystems' 99", v, ok)
	}
}

// TestDiskThisMachine checks the sensor against df(1) on the real machine:
// every filesystem df -P lists that vigia counts as real appears with the
// same size.
func TestDiskThisMachine(t *testing.T) {
	t.Parallel()
	df, err := exec.LookPath("df")
	if err != nil {
		t.Skip("df (coreutils) not installed")
	}
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	d := NewDisk(fs, "/", 5*time.Second)
	ctx := context.Background()
	if _, err := d.Read(ctx, time.Now()); !errors.Is(err, ErrWarmup) {
		t.Fatal(err)
	}
	r, err := d.Read(ctx, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	size := map[string]float64{}
	bySource := map[string]float64{}
	for _, m := range r.Metrics {
		if m.Name == reading.FSSize {
			size[m.Label("mountpoint")] = m.Value
			bySource[m.Label("device")+" "+strconv.FormatFloat(m.Value, 'f', 0, 64)] = m.Value
		}
	}
	out, err := exec.Command(df, "-P", "-T", "-B1").Output()
	if err != nil {
		t.Skipf("df -P -T -B1: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 7 {
			continue
		}
		src, typ, mp := f[0], f[1], strings.Join(f[6:], " ")
		if pseudoFSTypes[typ] || ignoredMountPoint(mp) {
			continue
		}
		want, err := strconv.ParseFloat(f[2], 64)
		if err != nil || want == 0 {
			continue
		}
		checked++
		if got, ok := size[mp]; ok {
			if got != want {
				t.Errorf("%s: size %v, df says %v", mp, got, want)
			}
			continue
		}
		// df may keep another mount point of a device mounted twice.
		if _, ok := bySource[src+" "+f[2]]; !ok {
			t.Errorf("df lists %s (%s on %s, %s bytes) but the disk sensor does not\n%s", mp, typ, src, f[2], strings.Join(metricLines(r), "\n"))
		}
	}
	if checked == 0 {
		t.Errorf("df listed no real filesystem:\n%s", out)
	}
	if _, ok := r.Value(reading.DiskUsedPercent); !ok {
		t.Error("no disk.used_percent on this machine")
	}
}

func BenchmarkDiskRead(b *testing.B) {
	d := newDisk(machineFS(b, "disks"), "/", time.Second, newFakeStatfs("/").statfs)
	now := t0
	if _, err := d.Read(context.Background(), now); !errors.Is(err, ErrWarmup) {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		if _, err := d.Read(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDiskAbsentMount: under --rootfs a host's mount the container does
// not see (ENOENT) is absent, not failed like one statfs cannot read.
func TestDiskAbsentMount(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "disks")
	if err := os.MkdirAll(filepath.Join(root, "proc", "1"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "proc", "1", "mountinfo"), "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"+
		"29 28 259:3 / /data rw - ext4 /dev/nvme0n1p3 rw\n30 28 259:4 / /srv rw - ext4 /dev/nvme0n1p4 rw\n")
	fake := newFakeStatfs("/host")
	statfs := func(path string) (procfs.FSStat, error) {
		if path == "/host/data" {
			return procfs.FSStat{}, &os.PathError{Op: "statfs", Path: path, Err: syscall.ENOENT}
		}
		return fake.statfs(path)
	}
	d := newDisk(fs, "/host", time.Second, statfs)
	if _, err := d.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatal(err)
	}
	r, err := d.Read(context.Background(), t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, m := range r.Metrics {
		if m.Name == reading.FSError {
			got[m.Label("mountpoint")] = m.Value
		}
	}
	want := map[string]float64{"/": 0, "/data": reading.FSErrAbsent, "/srv": reading.FSErrFailed}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fs.error by mount point mismatch (-want +got):\n%s", diff)
	}
}
