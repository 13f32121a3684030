package procfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	b, err := ReadFile(z.Path)
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
	ents, err := os.ReadDir(class)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var zones []ThermalZone
	for _, e := range ents {
		n, ok := strings.CutPrefix(e.Name(), "thermal_zone")
		if !ok || n == "" {
			continue
		}
		dir := filepath.Join(class, e.Name())
		z := ThermalZone{Zone: n, Path: filepath.Join(dir, "temp")}
		var err error
		if z.Temp, err = ThermalZoneTemp(z); err != nil {
			continue
		}
		typ, _ := ReadFile(filepath.Join(dir, "type"))
		z.Type = strings.ToValidUTF8(string(bytes.TrimSpace(typ)), "\uFFFD")
		zones = append(zones, z)
	}
	slices.SortFunc(zones, func(a, b ThermalZone) int { return compareNumbered("z"+a.Zone, "z"+b.Zone) })
	return zones, nil
}
