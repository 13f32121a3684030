package node

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDiskstatsGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		// Whole and partitioned disks, udev entries for an NVMe, an ATA
		// disk (with an unreadable rotation rate), an LVM volume with a
		// filesystem; sda from a kernel older than 4.18 (11 counters).
		"disk-desktop",
		// This machine: a virtio disk without udev, zram and loops.
		"disk-vm",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := newDiskstats(fixtureEnv(t, filepath.Join("testdata", name)))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c, name)
		})
	}
}

func TestDiskstatsExclude(t *testing.T) {
	t.Parallel()
	devices := func(t *testing.T, pattern string) []string {
		t.Helper()
		env := fixtureEnv(t, "testdata/disk-desktop")
		if pattern != "-" {
			re, err := CompileExclude(pattern)
			if err != nil {
				t.Fatal(err)
			}
			env.DiskExclude = re
		}
		c, _ := newDiskstats(env)
		got, err := scrape(t, c)
		if err != nil {
			t.Fatal(err)
		}
		var devs []string
		for _, l := range strings.Split(got, "\n") {
			if m := regexp.MustCompile(`^node_disk_reads_completed_total\{device="([^"]+)"`).FindStringSubmatch(l); m != nil {
				devs = append(devs, m[1])
			}
		}
		return devs
	}
	for _, tt := range []struct {
		pattern string
		want    string
	}{
		// node_exporter's current default: zram is out, as are partitions.
		{"-", "dm-0 md127 mmcblk0 mmcblk0p1 nvme0n1 sda sdb"},
		{"", "dm-0 fd0 loop0 loop1 md127 mmcblk0 mmcblk0p1 nvme0n1 nvme0n1p1 nvme0n1p2 ram0 sda sda1 sdb zram0"},
		{"^(loop|ram|fd|zram|dm-|mmcblk0p)", "md127 mmcblk0 nvme0n1 nvme0n1p1 nvme0n1p2 sda sda1 sdb"},
	} {
		if got := strings.Join(devices(t, tt.pattern), " "); got != tt.want {
			t.Errorf("exclude %q: devices %s, want %s", tt.pattern, got, tt.want)
		}
	}
}

// TestDiskstatsDefaultExcludeIsNodeExporters: the default is the regular
// expression of node_exporter's source, not a rewrite of it.
func TestDiskstatsDefaultExcludeIsNodeExporters(t *testing.T) {
	t.Parallel()
	x := newExcluder(nil, DefaultDiskExclude)
	for name, want := range map[string]bool{
		"zram0": true, "ram1": true, "loop12": true, "fd0": true, "sda1": true, "xvdb2": true, "nvme0n1p3": true,
		"sda": false, "nvme0n1": false, "dm-0": false, "md127": false, "mmcblk0p1": false, "vda": false,
	} {
		if got := x.excluded(name); got != want {
			t.Errorf("excluded(%q) = %v, want %v", name, got, want)
		}
		if got := x.excluded(name); got != want {
			t.Errorf("excluded(%q) from the memo = %v, want %v", name, got, want)
		}
	}
}

func TestDiskstatsBadFile(t *testing.T) {
	t.Parallel()
	c, _ := newDiskstats(fixtureEnv(t, "testdata/disk-garbage"))
	if _, err := scrape(t, c); err == nil || !strings.Contains(err.Error(), "diskstats line 1") {
		t.Errorf("scrape of a truncated diskstats: error %v, want one naming the line", err)
	}
}

// TestDiskstatsDeviceGoesAway: a device that leaves /proc/diskstats leaves
// the collector's memory and the scrape, and one that comes back under
// another number gets its new udev entry.
func TestDiskstatsDeviceGoesAway(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{
		"proc/diskstats":           "8 0 sda 1 0 0 0 0 0 0 0 0 0 0\n8 16 sdb 2 0 0 0 0 0 0 0 0 0 0\n",
		"root/run/udev/data/b8:16": "E:ID_MODEL=first\n",
		"root/run/udev/data/b8:32": "E:ID_MODEL=second\n",
	})
	c, _ := newDiskstats(fixtureEnv(t, dir))
	if _, err := scrape(t, c); err != nil {
		t.Fatal(err)
	}
	write("proc/diskstats", "8 32 sdb 3 0 0 0 0 0 0 0 0 0 0\n")
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, `"sda"`) || !strings.Contains(got, `model="second"`) {
		t.Errorf("after sda left and sdb came back as 8:32:\n%s", got)
	}
	if n := len(c.(*diskstats).devices); n != 1 {
		t.Errorf("collector remembers %d devices, want 1", n)
	}
}

// TestDiskstatsSteadyAllocs: once a scrape has seen the devices, the next
// allocates only what opening a file costs (syscall.Open copies the path
// to add its NUL): 1 for diskstats, 3 for its path, 1 for the udev
// directory's stat, 2 per device. Devices without a udev entry or queue
// directory are left out: a failed open allocates its error too, and so
// does sdb's rotation rate that is no number.
func TestDiskstatsSteadyAllocs(t *testing.T) {
	env := fixtureEnv(t, "testdata/disk-desktop")
	env.DiskExclude = regexp.MustCompile(`^(md|mmcblk|loop|ram|fd|zram|nvme0n1p|sda1|sdb)`)
	c, _ := newDiskstats(env)
	var b buffer
	update := func() {
		b.samples, b.labels = b.samples[:0], b.labels[:0]
		if err := c.Update(b.emit); err != nil {
			t.Fatal(err)
		}
	}
	update()
	const devices = 3 // dm-0, nvme0n1, sda
	if n := testing.AllocsPerRun(20, update); n > 5+2*devices {
		t.Errorf("a steady scrape allocates %v times, want at most %d", n, 5+2*devices)
	}
}

func BenchmarkCollectorDiskstats(b *testing.B) {
	t := &testing.T{}
	c, _ := newDiskstats(fixtureEnv(t, "testdata/disk-desktop"))
	var buf buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.samples, buf.labels = buf.samples[:0], buf.labels[:0]
		if err := c.Update(buf.emit); err != nil {
			b.Fatal(err)
		}
	}
}
