package procfs

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// HwmonChip is one hardware monitoring device under <sys>/class/hwmon.
type HwmonChip struct {
	// Dir is the hwmonN directory it was read from.
	Dir string
	// Chip is a stable name derived as node_exporter (1.12 and later)
	// derives its "chip" label: from the device's sysfs path
	// ("platform_coretemp_0", "pci0000:00_0000:00:18_3", "nvme_nvme0"), else
	// from the name file, else "hwmonN"; see chipNames for chips that share
	// a device.
	Chip string
	// Name is the cleaned contents of the name file ("coretemp", "nvme"),
	// node_exporter's "chip_name"; empty when there is none.
	Name    string
	Sensors []HwmonSensor
	// Denied counts the temperature and fan inputs this user may not read
	// (Hwmon fills it; HwmonChips leaves it 0).
	Denied int
}

// HwmonSensor is one temperature or fan channel of a chip.
type HwmonSensor struct {
	Type  string // "temp" or "fan"
	Num   int    // the N of tempN_input
	Label string // the tempN_label file, "" when absent
	// Input is the current value: °C for temperatures, RPM for fans.
	Input float64
	// Max and Crit are the temperature limits in °C, when the chip gives them.
	Max, Crit       float64
	HasMax, HasCrit bool
	// Path is the input file, for HwmonInput to read again: names, labels
	// and limits do not change while a chip is present, inputs do.
	Path string
}

// Sensor returns node_exporter's "sensor" label: type and number, "temp1".
func (s HwmonSensor) Sensor() string { return s.Type + strconv.Itoa(s.Num) }

// Hwmon reads every chip under <sys>/class/hwmon with its temperature and
// fan channels. A chip without such channels (one of voltages and currents,
// a fan curve) is returned too, with no Sensors, so that it is named. A missing class directory gives no chips and no error (a
// machine without hwmon). A channel whose input cannot be read or parsed is
// skipped: drivers answer EIO or ENODATA for absent probes, and one bad
// probe must not hide the others. Chips come in directory order (hwmon0,
// hwmon1, ...); channels by type, then number.
func (fs FS) Hwmon() ([]HwmonChip, error) {
	chips, err := fs.HwmonChips(nil)
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var attrs []HwmonAttr
	var buf []byte
	for i := range chips {
		// A chip whose directory cannot be listed is still named, with
		// the channels it could list.
		attrs, buf, _ = hwmonAttrs(chips[i].Dir, attrs, buf, &chips[i].Denied)
		chips[i].Sensors = hwmonSensors(attrs)
	}
	return chips, nil
}

// HwmonChips lists the chips under <sys>/class/hwmon, named, without
// their channels, in directory order. A missing class directory is an
// error wrapping fs.ErrNotExist. names, when not nil, keeps what naming a
// chip costs (resolving its device path, reading its name file) from one
// call to the next.
func (fs FS) HwmonChips(names *HwmonNames) ([]HwmonChip, error) {
	class := fs.Sys("class", "hwmon")
	ents, err := os.ReadDir(class)
	if err != nil {
		return nil, err
	}
	if names != nil {
		names.gen++
		if names.m == nil {
			names.m = map[string]hwmonIdent{}
		}
	}
	var chips []HwmonChip
	var nameFiles []string
	for _, e := range ents {
		dir := filepath.Join(class, e.Name())
		id, ok := names.lookup(dir)
		if !ok {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				continue
			}
			id.nameFile = hwmonNameFile(dir)
			id.chip = hwmonChipID(dir, id.nameFile)
			names.store(dir, id)
		}
		chips = append(chips, HwmonChip{Dir: dir, Chip: id.chip, Name: CleanMetricName(id.nameFile)})
		nameFiles = append(nameFiles, id.nameFile)
	}
	names.prune()
	chipNames(chips, nameFiles)
	slices.SortStableFunc(chips, func(a, b HwmonChip) int { return compareNumbered(filepath.Base(a.Dir), filepath.Base(b.Dir)) })
	return chips, nil
}

// HwmonNames remembers how each chip is named, by the target of its
// /sys/class/hwmon/hwmonN link: one readlink in place of resolving the
// device path (a dozen lstat and readlink calls) and reading the name
// file. A chip that leaves takes its link with it, and one that comes
// under the same hwmonN has another device path, so a target names one
// chip for as long as it exists. Entries not seen in a scan are dropped.
// The zero value is ready; not safe for concurrent use.
type HwmonNames struct {
	m   map[string]hwmonIdent
	gen uint64
}

type hwmonIdent struct {
	chip, nameFile string
	gen            uint64
	target         string
}

func (n *HwmonNames) lookup(dir string) (hwmonIdent, bool) {
	if n == nil {
		return hwmonIdent{}, false
	}
	target, err := os.Readlink(dir)
	if err != nil {
		return hwmonIdent{}, false
	}
	id, ok := n.m[dir]
	if !ok || id.target != target {
		return hwmonIdent{target: target}, false
	}
	id.gen = n.gen
	n.m[dir] = id
	return id, true
}

func (n *HwmonNames) store(dir string, id hwmonIdent) {
	if n == nil || id.target == "" {
		return
	}
	id.gen = n.gen
	n.m[dir] = id
}

func (n *HwmonNames) prune() {
	if n == nil {
		return
	}
	for k, id := range n.m {
		if id.gen != n.gen {
			delete(n.m, k)
		}
	}
}

// hwmonChipID follows node_exporter's hwmonName: the device path's last two
// elements, cleaned and joined by "_"; then the name file; then hwmonN. The
// device comes first because it is stable across boots where hwmonN is not,
// and distinct where name files are not (two "nvme" drives).
func hwmonChipID(dir, nameFile string) string {
	if dev, err := filepath.EvalSymlinks(filepath.Join(dir, "device")); err == nil {
		parent, name := filepath.Split(dev)
		typ := filepath.Base(strings.TrimRight(parent, "/"))
		cname, ctyp := CleanMetricName(name), CleanMetricName(typ)
		if ctyp != "" && cname != "" {
			return ctyp + "_" + cname
		}
		if cname != "" {
			return cname
		}
	}
	if n := CleanMetricName(nameFile); n != "" {
		return n
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if n := CleanMetricName(filepath.Base(real)); n != "" {
			return n
		}
	}
	return CleanMetricName(filepath.Base(dir))
}

// chipNames makes Chip unique where several chips share a parent device
// (three radios of one PCI wireless card, a platform driver with a fan chip
// and a sensor chip), as node_exporter 1.12 does: every chip of such a group
// gets "_" and its cleaned name file appended, or "_hwmonN" when it has no
// name file or shares it with another chip of the group. Without this the
// group's channels would export the same series, and all but one would be
// dropped. Name files are compared cleaned, where node_exporter compares
// them raw: the names are the same for any machine it names uniquely, and
// two files that differ only in punctuation ("a.b", "a-b") still give two
// names. nameFiles[i] is chips[i]'s name file.
func chipNames(chips []HwmonChip, nameFiles []string) {
	type named struct{ chip, name string }
	perChip := make(map[string]int, len(chips))
	perName := make(map[named]int, len(chips))
	for i := range chips {
		perChip[chips[i].Chip]++
		perName[named{chips[i].Chip, CleanMetricName(nameFiles[i])}]++
	}
	for i := range chips {
		base := chips[i].Chip
		if perChip[base] < 2 {
			continue
		}
		suffix := CleanMetricName(nameFiles[i])
		if suffix == "" || perName[named{base, suffix}] > 1 {
			suffix = CleanMetricName(filepath.Base(chips[i].Dir))
		}
		chips[i].Chip = base + "_" + suffix
	}
}

// hwmonNameFile returns the chip's name file trimmed of white space, or ""
// when it has none.
func hwmonNameFile(dir string) string {
	b, err := ReadFile(filepath.Join(dir, "name"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// CleanMetricName lower-cases s, replaces every character outside
// [a-z0-9:_] with '_' and trims leading and trailing '_', as node_exporter
// does for chip names.
func CleanMetricName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ':' || c == '_') {
			b[i] = '_'
		}
	}
	return strings.Trim(string(b), "_")
}

// ParseHwmonFile splits a hwmon attribute file name such as "temp1_input"
// into its type ("temp"), channel number (1) and property ("input"), as
// node_exporter's pattern ^([^0-9]+)([0-9]*)?(_(.+))?$ splits it: the type
// is the leading non-digits, the number may be absent (0) and so may the
// property ("pwm1", "beep_enable", "update_interval"). Where the longest
// type leaves no match, the type ends at an earlier '_' ("a_0b" is "a"
// with property "0b"), as the pattern backtracks. ok is false for names
// the pattern refuses ("temp1x", "temp1_", "1_input") and for numbers too
// large for an int.
func ParseHwmonFile(name string) (typ string, num int, prop string, ok bool) {
	i := 0
	for i < len(name) && (name[i] < '0' || name[i] > '9') {
		i++
	}
	if i == 0 {
		return "", 0, "", false
	}
	j := i
	for j < len(name) && name[j] >= '0' && name[j] <= '9' {
		j++
	}
	if rest := name[j:]; rest == "" || hwmonProperty(rest) {
		if j > i {
			n, err := strconv.Atoi(name[i:j])
			if err != nil {
				return "", 0, "", false
			}
			num = n
		}
		if rest != "" {
			prop = rest[1:]
		}
		return name[:i], num, prop, true
	}
	// A shorter type is followed by no digits, so by the property at once.
	for k := i - 1; k >= 1; k-- {
		if hwmonProperty(name[k:]) {
			return name[:k], 0, name[k+1:], true
		}
	}
	return "", 0, "", false
}

// hwmonProperty reports whether s is "_" and a property: at least one
// character, no newline (the pattern's ".+").
func hwmonProperty(s string) bool {
	return len(s) > 1 && s[0] == '_' && strings.IndexByte(s[1:], '\n') < 0
}

// HwmonInput reads a channel's input file again and returns its value in
// the channel's unit (°C or RPM).
func HwmonInput(s HwmonSensor) (float64, error) {
	b, err := ReadFile(s.Path)
	if err != nil {
		return 0, err
	}
	v, err := parseHwmonValue(s.Type, b)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", s.Path, err)
	}
	return v, nil
}

// parseHwmonValue parses an attribute's decimal value: millidegrees for
// temperatures, given back in degrees; RPM for fans.
func parseHwmonValue(typ string, b []byte) (float64, error) {
	v, err := parseSysfsNumber(b)
	if err != nil {
		return 0, err
	}
	if typ == "temp" {
		v /= 1000
	}
	return v, nil
}

// parseSysfsNumber parses a sysfs attribute holding one decimal number.
// NaN and infinities are refused: no driver means them, and they cannot be
// written as JSON.
func parseSysfsNumber(b []byte) (float64, error) {
	v, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %q", bytes.TrimSpace(b))
	}
	return v, nil
}

// hwmonSensors gathers the temp and fan channels (input, label, max,
// crit) out of a chip's attributes, which come sorted by type and number.
func hwmonSensors(attrs []HwmonAttr) []HwmonSensor {
	var out []HwmonSensor
	for _, a := range attrs {
		if a.Type != "temp" && a.Type != "fan" {
			continue
		}
		switch a.Prop {
		case "input", "label", "max", "crit":
		default:
			continue
		}
		if len(out) == 0 || out[len(out)-1].Type != a.Type || out[len(out)-1].Num != a.Num {
			out = append(out, HwmonSensor{Type: a.Type, Num: a.Num})
		}
		s := &out[len(out)-1]
		if a.Prop == "label" {
			// Kept as is but for newlines, as node_exporter's
			// node_hwmon_sensor_label has it.
			s.Label = strings.ToValidUTF8(a.Value, "\uFFFD")
			continue
		}
		v, err := parseHwmonValue(a.Type, []byte(a.Value))
		if err != nil {
			continue
		}
		switch a.Prop {
		case "input":
			s.Input, s.Path = v, a.Path
		case "max":
			s.Max, s.HasMax = v, true
		case "crit":
			s.Crit, s.HasCrit = v, true
		}
	}
	// A channel without a readable input is an absent probe, whatever
	// limits it declares.
	return slices.DeleteFunc(out, func(s HwmonSensor) bool { return s.Path == "" })
}

// compareNumbered orders "hwmon2" before "hwmon10".
func compareNumbered(a, b string) int {
	ta, na := cutTrailingNumber(a)
	tb, nb := cutTrailingNumber(b)
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	if na != nb {
		if na < nb {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func cutTrailingNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil || i == len(s) {
		return s, -1
	}
	return s[:i], n
}
