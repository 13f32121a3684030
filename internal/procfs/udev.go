package procfs

import (
	"bytes"
	"path/filepath"
	"strconv"
)

// UdevProps holds the properties of a block device's udev database entry
// (<rootfs>/run/udev/data/b<major>:<minor>, "E:KEY=value" lines) that
// node_exporter's diskstats collector reads. A property the entry lacks
// is "".
type UdevProps struct {
	Path, WWN, Model, Revision     string // ID_PATH, ID_WWN, ID_MODEL, ID_REVISION
	SCSIIdentSerial, SerialShort   string // SCSI_IDENT_SERIAL, ID_SERIAL_SHORT
	Serial                         string // ID_SERIAL
	FSType, FSUsage, FSUUID        string // ID_FS_TYPE, ID_FS_USAGE, ID_FS_UUID
	FSVersion                      string // ID_FS_VERSION
	DMName, DMUUID, DMVGName       string // DM_NAME, DM_UUID, DM_VG_NAME
	DMLVName, DMLVLayer            string // DM_LV_NAME, DM_LV_LAYER
	ATA, ATARotationRateRPM        string // ID_ATA, ID_ATA_ROTATION_RATE_RPM
	ATAWriteCache, ATAWriteCacheOn string // ID_ATA_WRITE_CACHE, ID_ATA_WRITE_CACHE_ENABLED
}

// field returns where key's value goes, or nil for a key nobody reads.
func (p *UdevProps) field(key []byte) *string {
	switch string(key) { // no allocation: the compiler compares in place
	case "ID_PATH":
		return &p.Path
	case "ID_WWN":
		return &p.WWN
	case "ID_MODEL":
		return &p.Model
	case "ID_REVISION":
		return &p.Revision
	case "SCSI_IDENT_SERIAL":
		return &p.SCSIIdentSerial
	case "ID_SERIAL_SHORT":
		return &p.SerialShort
	case "ID_SERIAL":
		return &p.Serial
	case "ID_FS_TYPE":
		return &p.FSType
	case "ID_FS_USAGE":
		return &p.FSUsage
	case "ID_FS_UUID":
		return &p.FSUUID
	case "ID_FS_VERSION":
		return &p.FSVersion
	case "DM_NAME":
		return &p.DMName
	case "DM_UUID":
		return &p.DMUUID
	case "DM_VG_NAME":
		return &p.DMVGName
	case "DM_LV_NAME":
		return &p.DMLVName
	case "DM_LV_LAYER":
		return &p.DMLVLayer
	case "ID_ATA":
		return &p.ATA
	case "ID_ATA_ROTATION_RATE_RPM":
		return &p.ATARotationRateRPM
	case "ID_ATA_WRITE_CACHE":
		return &p.ATAWriteCache
	case "ID_ATA_WRITE_CACHE_ENABLED":
		return &p.ATAWriteCacheOn
	}
	return nil
}

// ParseUdevData fills p from the contents of a udev database entry. A
// property p already holds with the same value keeps its string, so a
// device parsed every scrape allocates nothing once its entry is steady;
// properties the entry lacks are cleared. udev writes these files itself
// and every line it does not know (tags, links, other properties) is
// skipped, so nothing is an error.
func ParseUdevData(b []byte, p *UdevProps) {
	old := *p
	*p = UdevProps{}
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		rest, ok := bytes.CutPrefix(line, []byte("E:"))
		if !ok {
			continue
		}
		key, value, ok := bytes.Cut(rest, []byte("="))
		if !ok {
			continue
		}
		dst := p.field(key)
		if dst == nil {
			continue
		}
		// The same field of old holds the last scrape's value.
		prev := *old.field(key)
		if prev == string(value) {
			*dst = prev
		} else {
			*dst = string(value)
		}
	}
}

// UdevDataPath is the udev database entry of block device major:minor
// under rootfs.
func UdevDataPath(rootfs string, major, minor uint32) string {
	return filepath.Join(rootfs, "run", "udev", "data", "b"+strconv.FormatUint(uint64(major), 10)+":"+strconv.FormatUint(uint64(minor), 10))
}

// ReadFileBuf reads a whole small file (a udev entry, a sysfs attribute)
// into buf[:0], growing it as needed and returning it for the next call,
// with ReadFile's size cap.
func ReadFileBuf(path string, buf []byte) ([]byte, error) { return statReadFile(path, buf) }
