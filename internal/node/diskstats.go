package node

import (
	"bytes"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

func diskCounter(name, help string) *reading.Family {
	return &reading.Family{Name: "node_disk_" + name, Help: help, Type: reading.Counter, Labels: []string{"device"}}
}

// diskFamilies follow /proc/diskstats' fields in order; a kernel that
// writes fewer fields (discards came in 4.18, flushes in 5.5) gets fewer
// families, as node_exporter does.
var diskFamilies = [...]*reading.Family{
	diskCounter("reads_completed_total", "The total number of reads completed successfully."),
	diskCounter("reads_merged_total", "The total number of reads merged."),
	diskCounter("read_bytes_total", "The total number of bytes read successfully."),
	diskCounter("read_time_seconds_total", "The total number of seconds spent by all reads."),
	diskCounter("writes_completed_total", "The total number of writes completed successfully."),
	diskCounter("writes_merged_total", "The number of writes merged."),
	diskCounter("written_bytes_total", "The total number of bytes written successfully."),
	diskCounter("write_time_seconds_total", "This is the total number of seconds spent by all writes."),
	{Name: "node_disk_io_now", Help: "The number of I/Os currently in progress.", Type: reading.Gauge, Labels: []string{"device"}},
	diskCounter("io_time_seconds_total", "Total seconds spent doing I/Os."),
	diskCounter("io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os."),
	diskCounter("discards_completed_total", "The total number of discards completed successfully."),
	diskCounter("discards_merged_total", "The total number of discards merged."),
	diskCounter("discarded_sectors_total", "The total number of sectors discarded successfully."),
	diskCounter("discard_time_seconds_total", "This is the total number of seconds spent by all discards."),
	diskCounter("flush_requests_total", "The total number of flush requests completed successfully"),
	diskCounter("flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests."),
}

var (
	diskInfo = &reading.Family{Name: "node_disk_info", Help: "Info of /sys/block/<block_device>.", Type: reading.Gauge,
		Labels: []string{"device", "major", "minor", "path", "wwn", "model", "serial", "revision", "rotational"}}
	diskFilesystemInfo = &reading.Family{Name: "node_disk_filesystem_info", Help: "Info about disk filesystem.", Type: reading.Gauge,
		Labels: []string{"device", "type", "usage", "uuid", "version"}}
	diskDeviceMapperInfo = &reading.Family{Name: "node_disk_device_mapper_info", Help: "Info about disk device mapper.", Type: reading.Gauge,
		Labels: []string{"device", "name", "uuid", "vg_name", "lv_name", "lv_layer"}}
	diskATAWriteCache = &reading.Family{Name: "node_disk_ata_write_cache", Help: "ATA disk has a write cache.",
		Type: reading.Gauge, Labels: []string{"device"}}
	diskATAWriteCacheEnabled = &reading.Family{Name: "node_disk_ata_write_cache_enabled", Help: "ATA disk has its write cache enabled.",
		Type: reading.Gauge, Labels: []string{"device"}}
	diskATARotationRate = &reading.Family{Name: "node_disk_ata_rotation_rate_rpm", Help: "ATA disk rotation rate in RPMs (0 for SSDs).",
		Type: reading.Gauge, Labels: []string{"device"}}
)

// diskstats is node_exporter's diskstats collector: /proc/diskstats, with
// node_disk_info's labels from the device's udev database entry under
// --rootfs (run/udev/data/b<major>:<minor>) and its rotational flag from
// /sys/block/<device>/queue/rotational. A device without a udev entry
// (no udev on the machine, a container without /run/udev) has empty
// labels and no filesystem, device mapper or ATA series, as node_exporter
// has when its udev directory is missing.
type diskstats struct {
	fs      procfs.FS
	rootfs  string
	udevDir string
	exclude *excluder

	// stats, buf and fbuf are reused across scrapes: a Set never runs one
	// collector twice at once.
	stats []procfs.DiskStat
	buf   []byte
	fbuf  []byte
	// devices keeps each device's paths and udev properties between
	// scrapes, so a steady machine allocates next to nothing.
	devices map[string]*diskDevice
	// lv holds label values for emit, so passing them allocates nothing.
	lv [9]string
	// held keeps each device's queue/rotational open between scrapes:
	// its open and close were most of what the label cost.
	held *heldDevices
}

type diskDevice struct {
	major, minor   uint32
	majorS, minorS string
	udevPath       string
	udev           procfs.UdevProps
	seen           bool
}

func newDiskstats(env Env) (Collector, error) {
	rootfs := env.Rootfs
	if rootfs == "" {
		rootfs = "/"
	}
	return &diskstats{
		fs: env.FS, rootfs: rootfs, udevDir: filepath.Join(rootfs, "run", "udev", "data"),
		exclude: newExcluder(env.DiskExclude, DefaultDiskExclude),
		devices: map[string]*diskDevice{},
		held:    newHeldDevices(func(dev string) *procfs.HeldAttrs { return procfs.NewHeldAttrs(env.FS.Sys("block", dev, "queue"), 1) }),
	}, nil
}

func (c *diskstats) Update(emit reading.Emit) error {
	var err error
	c.stats, c.buf, err = c.fs.Diskstats(c.stats, c.buf)
	if err != nil {
		return err
	}
	for _, d := range c.devices {
		d.seen = false
	}
	// Without udev (a container, this machine's kind of VM) one stat says
	// so, instead of a failed open per device.
	var st syscall.Stat_t
	udev := syscall.Stat(c.udevDir, &st) == nil
	for i := range c.stats {
		s := &c.stats[i]
		if c.exclude.excluded(s.Name) {
			continue
		}
		d := c.device(s, udev)
		c.emitDevice(emit, s, d)
	}
	for name, d := range c.devices {
		if !d.seen {
			delete(c.devices, name)
		}
	}
	c.held.sweep()
	return nil
}

// device returns what is kept of s's device, reading its udev entry anew
// when the machine has udev.
func (c *diskstats) device(s *procfs.DiskStat, udev bool) *diskDevice {
	d := c.devices[s.Name]
	if d == nil || d.major != s.Major || d.minor != s.Minor {
		c.held.drop(s.Name) // a device made anew under the name
		d = &diskDevice{
			major: s.Major, minor: s.Minor,
			majorS: strconv.FormatUint(uint64(s.Major), 10), minorS: strconv.FormatUint(uint64(s.Minor), 10),
			udevPath: procfs.UdevDataPath(c.rootfs, s.Major, s.Minor),
		}
		c.devices[s.Name] = d
	}
	d.seen = true
	c.fbuf = c.fbuf[:0]
	if udev {
		var err error
		if c.fbuf, err = procfs.ReadFileBuf(d.udevPath, c.fbuf); err != nil {
			c.fbuf = c.fbuf[:0]
		}
	}
	procfs.ParseUdevData(c.fbuf, &d.udev)
	return d
}

// rotational is node_disk_info's rotational label: "1" for a spinning
// disk, "0" for anything else, including a device without a queue
// directory, as node_exporter says.
func (c *diskstats) rotational(name string) string {
	var err error
	missing := false
	if h := c.held.get(name); h != nil {
		c.fbuf, missing, err = h.Attr(0, "rotational", c.fbuf)
	} else {
		c.fbuf, err = procfs.ReadFileBuf(c.fs.Sys("block", name, "queue", "rotational"), c.fbuf)
	}
	if err == nil && !missing && string(bytes.TrimSpace(c.fbuf)) == "1" {
		return "1"
	}
	return "0"
}

func (c *diskstats) emitDevice(emit reading.Emit, s *procfs.DiskStat, d *diskDevice) {
	u := &d.udev
	// The serial printed on the disk's label, else the short serial, else
	// ID_SERIAL (virtio disks have only that): node_exporter's order.
	serial := u.SCSIIdentSerial
	if serial == "" {
		serial = u.SerialShort
	}
	if serial == "" {
		serial = u.Serial
	}
	c.lv = [9]string{s.Name, d.majorS, d.minorS, u.Path, u.WWN, u.Model, serial, u.Revision, c.rotational(s.Name)}
	emit(diskInfo, 1, c.lv[:]...)

	const sector, ms = procfs.SectorSize, 0.001
	vals := [len(diskFamilies)]float64{
		float64(s.ReadsCompleted), float64(s.ReadsMerged), float64(s.SectorsRead) * sector, float64(s.ReadTimeMs) * ms,
		float64(s.WritesCompleted), float64(s.WritesMerged), float64(s.SectorsWritten) * sector, float64(s.WriteTimeMs) * ms,
		float64(s.IOsInProgress), float64(s.IOTimeMs) * ms, float64(s.WeightedIOMs) * ms,
		float64(s.DiscardsCompleted), float64(s.DiscardsMerged), float64(s.SectorsDiscarded), float64(s.DiscardTimeMs) * ms,
		float64(s.FlushesCompleted), float64(s.FlushTimeMs) * ms,
	}
	dev := c.lv[:1]
	for i := range min(s.Fields, len(vals)) {
		emit(diskFamilies[i], vals[i], dev...)
	}

	if u.FSType != "" {
		c.lv = [9]string{s.Name, u.FSType, u.FSUsage, u.FSUUID, u.FSVersion}
		emit(diskFilesystemInfo, 1, c.lv[:5]...)
	}
	if u.DMName != "" {
		c.lv = [9]string{s.Name, u.DMName, u.DMUUID, u.DMVGName, u.DMLVName, u.DMLVLayer}
		emit(diskDeviceMapperInfo, 1, c.lv[:6]...)
	}
	if u.ATA != "" {
		c.lv[0] = s.Name
		for _, a := range [...]struct {
			f *reading.Family
			v string
		}{{diskATAWriteCache, u.ATAWriteCache}, {diskATAWriteCacheEnabled, u.ATAWriteCacheOn}, {diskATARotationRate, u.ATARotationRateRPM}} {
			// A property udev did not set, or set to something not a
			// number, gives no series.
			if a.v == "" {
				continue
			}
			if v, err := strconv.ParseFloat(a.v, 64); err == nil {
				emit(a.f, v, c.lv[:1]...)
			}
		}
	}
}
