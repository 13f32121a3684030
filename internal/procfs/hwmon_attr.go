package procfs

import (
	"cmp"
	"errors"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// HwmonAttr is one attribute file of a hwmon chip of a class
// node_exporter reads: "temp1_input", "in0_max", "pwm1", "beep_enable".
type HwmonAttr struct {
	Type string // the class: "temp", "in", "fan", "power", "beep_enable"
	Num  int    // the N of tempN_input; 0 when the name has none
	Prop string // "input", "crit_alarm"; "" for a bare file ("pwm1")
	// Value is the file's contents without its trailing newlines.
	Value string
	Path  string
}

// Sensor returns node_exporter's "sensor" label: class and number,
// "temp1", "beep_enable0".
func (a HwmonAttr) Sensor() string { return a.Type + strconv.Itoa(a.Num) }

// hwmonClasses are the attribute classes node_exporter's hwmon collector
// reads; files of any other name ("name", "uevent", "device") are not
// attributes.
var hwmonClasses = []string{
	"vrm", "beep_enable", "update_interval", "in", "cpu", "fan",
	"pwm", "temp", "curr", "power", "energy", "humidity",
	"intrusion", "freq",
}

// HwmonAttrs reads the attribute files of the chip in dir into attrs[:0],
// sorted by class, number and property, reusing buf for the reads. Old
// drivers keep their attributes in the device directory rather than
// hwmonN itself, so both are read; as in node_exporter, a file readable
// in both places is taken from the device directory. A file that cannot
// be read is left out: drivers answer EIO, ENODATA or EAGAIN for absent
// probes, and one bad probe must not hide the others. An error listing a
// directory is returned with the attributes read.
func HwmonAttrs(dir string, attrs []HwmonAttr, buf []byte) ([]HwmonAttr, []byte, error) {
	return hwmonAttrs(dir, attrs, buf, nil)
}

// hwmonAttrs is HwmonAttrs, counting in denied (when not nil) the
// temperature and fan inputs this user may not read: a driver may make
// them 0400, and then an unprivileged user's screen should say so rather
// than "no sensors".
func hwmonAttrs(dir string, attrs []HwmonAttr, buf []byte, denied *int) ([]HwmonAttr, []byte, error) {
	attrs = attrs[:0]
	var err error
	attrs, buf, err = hwmonDirAttrs(dir, attrs, buf, denied)
	dev := filepath.Join(dir, "device")
	if _, serr := os.Stat(dev); serr == nil {
		var derr error
		attrs, buf, derr = hwmonDirAttrs(dev, attrs, buf, denied)
		err = errors.Join(err, derr)
	}
	// Stable: of two equal keys the device directory's comes last, and
	// that is the one kept.
	slices.SortStableFunc(attrs, compareHwmonAttr)
	out := attrs[:0]
	for i, a := range attrs {
		if i+1 < len(attrs) && compareHwmonAttr(a, attrs[i+1]) == 0 {
			continue
		}
		out = append(out, a)
	}
	return out, buf, err
}

func compareHwmonAttr(a, b HwmonAttr) int {
	if c := strings.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Num, b.Num); c != 0 {
		return c
	}
	return strings.Compare(a.Prop, b.Prop)
}

func hwmonDirAttrs(dir string, attrs []HwmonAttr, buf []byte, denied *int) ([]HwmonAttr, []byte, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return attrs, buf, err
	}
	for _, e := range ents {
		name := e.Name()
		typ, num, prop, ok := ParseHwmonFile(name)
		if !ok || !slices.Contains(hwmonClasses, typ) {
			continue
		}
		path := filepath.Join(dir, name)
		var rerr error
		buf, rerr = ReadAttr(path, buf)
		if rerr != nil {
			if denied != nil && prop == "input" && (typ == "temp" || typ == "fan") && errors.Is(rerr, iofs.ErrPermission) {
				*denied++
			}
			continue
		}
		attrs = append(attrs, HwmonAttr{Type: typ, Num: num, Prop: prop, Value: strings.TrimRight(string(buf), "\n"), Path: path})
	}
	return attrs, buf, nil
}
