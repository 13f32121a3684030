package procfs

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fixture trees are shared with package sensor, whose tests read the
// same machines through the sensors.
func fixtureFS(t testing.TB, machine string) FS {
	t.Helper()
	root := filepath.Join("..", "sensor", "testdata", machine)
	fs, err := NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestHwmon(t *testing.T) {
	t.Parallel()
	got, err := fixtureFS(t, "hwmon-laptop").Hwmon()
	if err != nil {
		t.Fatal(err)
	}
	temp := func(n int, label string, v float64) HwmonSensor {
		return HwmonSensor{Type: "temp", Num: n, Label: label, Input: v}
	}
	withLimits := func(s HwmonSensor, max, crit float64) HwmonSensor {
		s.Max, s.HasMax, s.Crit, s.HasCrit = max, true, crit, true
		return s
	}
	nvme2 := temp(2, "Sensor 1", 38.85)
	nvme2.Max, nvme2.HasMax = 65261.85, true
	want := []HwmonChip{
		{Chip: "thermal_thermal_zone0", Name: "acpitz", Sensors: []HwmonSensor{temp(1, "", -5)}},
		{Chip: "nvme_nvme0", Name: "nvme", Sensors: []HwmonSensor{
			withLimits(temp(1, "Composite", 38.85), 81.85, 84.85),
			nvme2,
		}},
		{Chip: "hwmon2", Sensors: []HwmonSensor{temp(1, "", 30)}},
		{Chip: "platform_coretemp_0", Name: "coretemp", Sensors: []HwmonSensor{
			withLimits(temp(1, "Package id 0", 61), 100, 100),
			withLimits(temp(2, "Core 0", 58), 100, 100),
			withLimits(temp(3, "Core 1", 63.5), 100, 100),
		}},
		{Chip: "pci0000:00_0000:00:18_3", Name: "k10temp", Sensors: []HwmonSensor{
			{Type: "temp", Num: 1, Label: "Tctl", Input: 49.875, Max: 70, HasMax: true},
		}},
		{Chip: "platform_thinkpad_hwmon", Name: "thinkpad", Sensors: []HwmonSensor{
			{Type: "fan", Num: 1, Label: "CPU fan", Input: 2951},
			{Type: "fan", Num: 2, Input: 0},
			temp(1, "", 45),
		}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(HwmonChip{}, "Dir"), cmpopts.IgnoreFields(HwmonSensor{}, "Path"), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("Hwmon() mismatch (-want +got):\n%s", diff)
	}
}

// TestHwmonSharedParent reads a machine whose chips share parent devices:
// three radios of one PCI wireless card with the same name file, and a
// platform driver's fan chip beside its fan-curve chip.
func TestHwmonSharedParent(t *testing.T) {
	t.Parallel()
	got, err := fixtureFS(t, "hwmon-shared-parent").Hwmon()
	if err != nil {
		t.Fatal(err)
	}
	temp := func(n int, label string, v float64) HwmonSensor {
		return HwmonSensor{Type: "temp", Num: n, Label: label, Input: v}
	}
	pkg := temp(1, "Package id 0", 55)
	pkg.Max, pkg.HasMax, pkg.Crit, pkg.HasCrit = 100, true, 100, true
	composite := temp(1, "Composite", 38.85)
	composite.Crit, composite.HasCrit = 84.85, true
	want := []HwmonChip{
		{Chip: "platform_coretemp_0", Name: "coretemp", Sensors: []HwmonSensor{pkg, temp(2, "Core 0", 52)}},
		{Chip: "nvme_nvme0", Name: "nvme", Sensors: []HwmonSensor{composite}},
		{Chip: "pci0000:00_0000:00:14_3_hwmon2", Name: "iwlwifi_1", Sensors: []HwmonSensor{temp(1, "", 41)}},
		{Chip: "pci0000:00_0000:00:14_3_hwmon3", Name: "iwlwifi_1", Sensors: []HwmonSensor{temp(1, "", 42)}},
		{Chip: "pci0000:00_0000:00:14_3_hwmon4", Name: "iwlwifi_1", Sensors: []HwmonSensor{temp(1, "", 43)}},
		{Chip: "platform_asus_nb_wmi_asus", Name: "asus", Sensors: []HwmonSensor{{Type: "fan", Num: 1, Label: "cpu_fan", Input: 2400}}},
		{Chip: "platform_asus_nb_wmi_asus_custom_fan_curve", Name: "asus_custom_fan_curve"},
		{Chip: "it8728", Name: "it8728", Sensors: []HwmonSensor{temp(1, "", 35)}},
		{Chip: "i2c_1_1_0040", Name: "ina3221"},
		{Chip: "hwmon9"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(HwmonChip{}, "Dir"), cmpopts.IgnoreFields(HwmonSensor{}, "Path"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Hwmon() mismatch (-want +got):\n%s", diff)
	}
}

func TestChipNames(t *testing.T) {
	t.Parallel()
	type chip struct{ base, dir, nameFile string }
	tests := []struct {
		name  string
		chips []chip
		want  []string
	}{
		{
			name:  "distinct devices keep their names",
			chips: []chip{{"platform_coretemp_0", "hwmon0", "coretemp"}, {"nvme_nvme0", "hwmon1", "nvme"}},
			want:  []string{"platform_coretemp_0", "nvme_nvme0"},
		},
		{
			name:  "a shared device takes each chip's name file",
			chips: []chip{{"ieee80211_phy0", "hwmon3", "mt7996_phy0.0"}, {"ieee80211_phy0", "hwmon4", "mt7996_phy0.1"}},
			want:  []string{"ieee80211_phy0_mt7996_phy0_0", "ieee80211_phy0_mt7996_phy0_1"},
		},
		{
			name:  "equal name files fall back to hwmonN",
			chips: []chip{{"pci_x", "hwmon2", "iwlwifi_1"}, {"pci_x", "hwmon3", "iwlwifi_1"}, {"pci_x", "hwmon4", "iwlwifi_2"}},
			want:  []string{"pci_x_hwmon2", "pci_x_hwmon3", "pci_x_iwlwifi_2"},
		},
		{
			name:  "name files equal once cleaned fall back to hwmonN",
			chips: []chip{{"pci_x", "hwmon2", "a.b"}, {"pci_x", "hwmon3", "a-b"}},
			want:  []string{"pci_x_hwmon2", "pci_x_hwmon3"},
		},
		{
			name:  "no name file falls back to hwmonN",
			chips: []chip{{"platform_x", "hwmon5", ""}, {"platform_x", "hwmon6", "x_fan"}},
			want:  []string{"platform_x_hwmon5", "platform_x_x_fan"},
		},
		{
			name:  "a name file of only symbols falls back to hwmonN",
			chips: []chip{{"platform_x", "hwmon5", "--"}, {"platform_x", "hwmon6", "x"}},
			want:  []string{"platform_x_hwmon5", "platform_x_x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			chips := make([]HwmonChip, len(tt.chips))
			names := make([]string, len(tt.chips))
			for i, c := range tt.chips {
				chips[i] = HwmonChip{Chip: c.base, Dir: filepath.Join("/sys/class/hwmon", c.dir)}
				names[i] = c.nameFile
			}
			chipNames(chips, names)
			got := make([]string, len(chips))
			for i, c := range chips {
				got[i] = c.Chip
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("chipNames(%v) mismatch (-want +got):\n%s", tt.chips, diff)
			}
		})
	}
}

func TestHwmonInput(t *testing.T) {
	t.Parallel()
	chips, err := fixtureFS(t, "hwmon-laptop").Hwmon()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range chips {
		for _, s := range c.Sensors {
			n++
			if v, err := HwmonInput(s); err != nil || v != s.Input {
				t.Errorf("HwmonInput(%s %s) = %v, %v; want %v", c.Chip, s.Sensor(), v, err, s.Input)
			}
		}
	}
	if n == 0 {
		t.Fatal("no channels in the fixture")
	}
	if _, err := HwmonInput(HwmonSensor{Type: "temp", Path: "testdata/none"}); err == nil {
		t.Error("HwmonInput of a missing file: no error")
	}
}

func TestHwmonNone(t *testing.T) {
	t.Parallel()
	chips, err := fixtureFS(t, "no-sensors").Hwmon()
	if err != nil || len(chips) != 0 {
		t.Errorf("Hwmon() on a machine without hwmon = %v, %v; want none and no error", chips, err)
	}
	zones, err := fixtureFS(t, "no-sensors").ThermalZones()
	if err != nil || len(zones) != 0 {
		t.Errorf("ThermalZones() on a machine without zones = %v, %v; want none and no error", zones, err)
	}
}

func TestHwmonLegacyDeviceAttributes(t *testing.T) {
	t.Parallel()
	// Old drivers keep their attributes beside the device, not in hwmonN.
	fs := testFS(t, map[string]string{
		"sys/devices/platform/it87.656/name":                "it8728\n",
		"sys/devices/platform/it87.656/temp1_input":         "41000\n",
		"sys/devices/platform/it87.656/fan1_input":          "1200\n",
		"sys/devices/platform/it87.656/hwmon/hwmon0/uevent": "",
	})
	sys := fs.SysRoot()
	mustSymlink(t, "../../../it87.656", filepath.Join(sys, "devices/platform/it87.656/hwmon/hwmon0/device"))
	mustSymlink(t, "../../devices/platform/it87.656/hwmon/hwmon0", filepath.Join(sys, "class/hwmon/hwmon0"))
	got, err := fs.Hwmon()
	if err != nil {
		t.Fatal(err)
	}
	want := []HwmonChip{{Chip: "platform_it87_656", Sensors: []HwmonSensor{
		{Type: "fan", Num: 1, Input: 1200},
		{Type: "temp", Num: 1, Input: 41},
	}}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(HwmonChip{}, "Dir"), cmpopts.IgnoreFields(HwmonSensor{}, "Path")); diff != "" {
		t.Errorf("Hwmon() mismatch (-want +got):\n%s", diff)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestThermalZones(t *testing.T) {
	t.Parallel()
	got, err := fixtureFS(t, "hwmon-laptop").ThermalZones()
	if err != nil {
		t.Fatal(err)
	}
	want := []ThermalZone{
		{Zone: "0", Type: "acpitz", Temp: -5},
		{Zone: "1", Type: "x86_pkg_temp", Temp: 62},
		{Zone: "2", Type: "pch_cannonlake", Temp: 47.5},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ThermalZone{}, "Path")); diff != "" {
		t.Errorf("ThermalZones() mismatch (-want +got):\n%s", diff)
	}
	for _, z := range got {
		if v, err := ThermalZoneTemp(z); err != nil || v != z.Temp {
			t.Errorf("ThermalZoneTemp(zone %s) = %v, %v; want %v", z.Zone, v, err, z.Temp)
		}
	}
}

func TestParseHwmonFile(t *testing.T) {
	t.Parallel()
	type parsed struct {
		Typ  string
		Num  int
		Prop string
		OK   bool
	}
	for in, want := range map[string]parsed{
		"temp1_input":                  {"temp", 1, "input", true},
		"temp12_crit":                  {"temp", 12, "crit", true},
		"temp3_crit_alarm":             {"temp", 3, "crit_alarm", true},
		"fan2_input":                   {"fan", 2, "input", true},
		"pwm1":                         {"pwm", 1, "", true},
		"beep_enable":                  {"beep_enable", 0, "", true},
		"update_interval":              {"update_interval", 0, "", true},
		"power1_average":               {"power", 1, "average", true},
		"cpu0_vid":                     {"cpu", 0, "vid", true},
		"in0_input2":                   {"in", 0, "input2", true},
		"temp007_max":                  {"temp", 7, "max", true},
		"name":                         {"name", 0, "", true},
		"temp_input":                   {"temp_input", 0, "", true},
		"temp99999999_max":             {"temp", 99999999, "max", true},
		"temp1_":                       {},
		"temp1x":                       {},
		"temp1_a\nb":                   {},
		"1_input":                      {},
		"":                             {},
		"temp99999999999999999999_max": {},
	} {
		var got parsed
		got.Typ, got.Num, got.Prop, got.OK = ParseHwmonFile(in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseHwmonFile(%q) mismatch (-want +got):\n%s", in, diff)
		}
	}
}

func TestCleanMetricName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"coretemp\n":             "coretemp",
		"coretemp.0":             "coretemp_0",
		"0000:00:18.3":           "0000:00:18_3",
		"Package id 0":           "package_id_0",
		"__x__":                  "x",
		"":                       "",
		"ÄÖ":                     "",
		"applesmc.768":           "applesmc_768",
		"pci0000:00":             "pci0000:00",
		"acpi-0\x00":             "acpi_0",
		"NCT6798D (ISA 0x290)\n": "nct6798d__isa_0x290",
	} {
		if got := CleanMetricName(in); got != want {
			t.Errorf("CleanMetricName(%q) = %q, want %q", in, got, want)
		}
	}
}

// hwmonFileRegexp is node_exporter's grammar for attribute file names,
// which ParseHwmonFile must follow without a regexp.
var hwmonFileRegexp = regexp.MustCompile(`^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$`)

func FuzzParseHwmonFile(f *testing.F) {
	f.Add("temp1_input")
	f.Add("fan10_label")
	f.Add("in0_")
	f.Add("beep_enable")
	f.Add("temp1_a\nb")
	f.Fuzz(func(t *testing.T, name string) {
		typ, num, prop, ok := ParseHwmonFile(name)
		m := hwmonFileRegexp.FindStringSubmatch(name)
		wantOK := m != nil
		var wantNum int
		if wantOK && m[2] != "" {
			n, err := strconv.Atoi(m[2])
			wantNum, wantOK = n, err == nil
		}
		if ok != wantOK || ok && (typ != m[1] || num != wantNum || prop != m[4]) {
			t.Errorf("ParseHwmonFile(%q) = %q, %d, %q, %v; node_exporter's grammar gives %q", name, typ, num, prop, ok, m)
		}
	})
}

func TestParseHwmonValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		typ, in string
		want    float64
		wantErr bool
	}{
		{"temp", "45000\n", 45, false},
		{"temp", "-5500", -5.5, false},
		{"fan", " 2951 \n", 2951, false},
		{"temp", "NaN", 0, true},
		{"temp", "inf\n", 0, true},
		{"fan", "-Inf", 0, true},
		{"temp", "", 0, true},
		{"temp", "N/A", 0, true},
	} {
		got, err := parseHwmonValue(tt.typ, []byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseHwmonValue(%q, %q) = %v, %v; want %v, error %v", tt.typ, tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseHwmonValue(f *testing.F) {
	f.Add([]byte("45000\n"))
	f.Add([]byte("nan"))
	f.Add([]byte("0x1p-2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseHwmonValue("temp", b)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Errorf("parseHwmonValue(%q) = %v, want a finite number or an error", b, v)
		}
	})
}
