package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// ThermalZone is one <sys>/class/thermal/thermal_zoneN.
type ThermalZone struct {
	Zone string  // N, node_exporter's "zone" label
	Type string  // "x86_pkg_temp", "acpitz"
	Temp float64 // °C
	Path string  // the temp file, for ThermalZoneTemp to read again
}

// ThermalZoneTemp reads a zone's temperature again, in °C.
func ThermalZoneTemp(z ThermalZone) (float64, error) {
	var arr [128]byte
	b, err := ReadAttr(z.Path, arr[:0])
	if err != nil {
		return 0, err
	}
	milli, err := parseSysfsNumber(b)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", z.Path, err)
	}
	return milli / 1000, nil
}

// ThermalZones reads every thermal zone's type and temperature. A missing
// class directory gives no zones and no error; a zone whose temp cannot be
// read or parsed (disabled zones answer EINVAL or ENODATA) is skipped.
func (fs FS) ThermalZones() ([]ThermalZone, error) {
	class := fs.Sys("class", "thermal")
	names, nums, err := thermalEntries(class, "thermal_zone")
	if err != nil {
		return nil, err
	}
	var zones []ThermalZone
	for i, name := range names {
		n := nums[i]
		dir := filepath.Join(class, name)
		z := ThermalZone{Zone: n, Path: filepath.Join(dir, "temp")}
		var err error
		if z.Temp, err = ThermalZoneTemp(z); err != nil {
			continue
		}
		var arr [128]byte
		typ, _ := ReadAttr(filepath.Join(dir, "type"), arr[:0])
		z.Type = strings.ToValidUTF8(string(bytes.TrimSpace(typ)), "\uFFFD")
		zones = append(zones, z)
	}
	slices.SortFunc(zones, func(a, b ThermalZone) int { return compareNumbered("z"+a.Zone, "z"+b.Zone) })
	return zones, nil
}

// CoolingDevice is one <sys>/class/thermal/cooling_deviceN: a fan, a
// processor's throttling, a backlight.
type CoolingDevice struct {
	Name     string // N, node_exporter's "name" label
	Type     string // "Processor", "intel_powerclamp", "TCC Offset"
	CurState int64  // -1 for intel_powerclamp when idle injection is off
	MaxState int64
}

// CoolingDevices reads every cooling device's type and states, in
// directory order (cooling_device2 before cooling_device10). A missing
// class directory gives none. A device whose files are missing, forbidden
// or refused with EINVAL is left out, as node_exporter leaves it out; one
// whose states are not numbers is left out too, and named in the error
// returned with the others.
func (fs FS) CoolingDevices() ([]CoolingDevice, error) {
	class := fs.Sys("class", "thermal")
	names, nums, err := thermalEntries(class, "cooling_device")
	if err != nil {
		return nil, err
	}
	var devs []CoolingDevice
	var errs []error
	var buf []byte
	for i, name := range names {
		n := nums[i]
		dir := filepath.Join(class, name)
		d := CoolingDevice{Name: n}
		var typ []byte
		if typ, err = ReadAttr(filepath.Join(dir, "type"), buf); err == nil {
			d.Type = strings.ToValidUTF8(string(bytes.TrimSpace(typ)), "\uFFFD")
			buf = typ
			if d.MaxState, buf, err = readAttrInt(filepath.Join(dir, "max_state"), buf); err == nil {
				d.CurState, buf, err = readAttrInt(filepath.Join(dir, "cur_state"), buf)
			}
		}
		switch {
		case err == nil:
			devs = append(devs, d)
		case os.IsNotExist(err), os.IsPermission(err), errors.Is(err, syscall.EINVAL):
		default:
			errs = append(errs, err)
		}
	}
	slices.SortFunc(devs, func(a, b CoolingDevice) int { return compareNumbered("d"+a.Name, "d"+b.Name) })
	return devs, errors.Join(errs...)
}

// readAttrInt reads a sysfs attribute holding one decimal integer.
func readAttrInt(path string, buf []byte) (int64, []byte, error) {
	b, err := ReadAttr(path, buf)
	if err != nil {
		return 0, buf, err
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil {
		return 0, b, fmt.Errorf("%s: %w", path, err)
	}
	return v, b, nil
}

// thermalEntries lists the entries of the thermal class directory named
// prefix and a number ("thermal_zone3"), with their numbers, as
// node_exporter's thermal_zone[0-9]* glob does. A missing directory gives
// none.
func thermalEntries(class, prefix string) (names, nums []string, err error) {
	ents, err := os.ReadDir(class)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	for _, e := range ents {
		n, ok := strings.CutPrefix(e.Name(), prefix)
		if ok && n != "" && n[0] >= '0' && n[0] <= '9' {
			names, nums = append(names, e.Name()), append(nums, n)
		}
	}
	return names, nums, nil
}
