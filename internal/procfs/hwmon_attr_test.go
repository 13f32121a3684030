package procfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHwmonAttrs reads chips of the node collectors' laptop: a legacy
// attribute in the device directory that wins over hwmonN's, a power/
// directory that is no attribute, and probes that answer EIO, are
// dangling links or directories.
func TestHwmonAttrs(t *testing.T) {
	t.Parallel()
	class := filepath.Join("..", "node", "testdata", "hwmon-laptop", "sys", "class", "hwmon")
	tests := []struct {
		dir  string
		want []string
	}{
		{"hwmon2", []string{
			"temp1_crit=100000", "temp1_crit_alarm=0", "temp1_input=52000", "temp1_label=Package id 0", "temp1_max=100000",
			"temp2_crit=100000", "temp2_crit_alarm=0", "temp2_input=49000", "temp2_label=Core 0", "temp2_max=100000",
			"temp6_crit=100000", "temp6_crit_alarm=0", "temp6_input=51000", "temp6_label=Core 4", "temp6_max=100000",
		}},
		{"hwmon7", []string{"humidity1_alarm=0", "humidity1_input=45123", "temp1_input=23456", "update_interval0=1000"}},
		{"hwmon12", []string{"pwm1_auto_point1_pwm=3", "pwm1_auto_point1_temp=39000", "pwm1_enable=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			attrs, _, err := HwmonAttrs(filepath.Join(class, tt.dir), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(attrs))
			for i, a := range attrs {
				got[i] = a.Sensor() + "_" + a.Prop + "=" + a.Value
				if a.Prop == "" {
					got[i] = a.Sensor() + "=" + a.Value
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HwmonAttrs(%s) mismatch (-want +got):\n%s", tt.dir, diff)
			}
		})
	}
}

func TestHwmonAttrsUnreadable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "node", "testdata", "hwmon-laptop", "sys", "class", "hwmon", "hwmon3")
	attrs, _, err := HwmonAttrs(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, a := range attrs {
		seen[a.Sensor()+"_"+a.Prop] = a.Value
	}
	// temp7_input answers EIO, temp7_label is a dangling link, temp9_input
	// a directory: all left out. temp8_input is garbage, but readable.
	for _, gone := range []string{"temp7_input", "temp7_label", "temp9_input"} {
		if v, ok := seen[gone]; ok {
			t.Errorf("%s = %q; want it left out", gone, v)
		}
	}
	if seen["temp8_input"] != "garbage" || seen["temp2_label"] != "CPUTIN\xff\xfe" || seen["vrm0_"] != "100" {
		t.Errorf("temp8_input, temp2_label, vrm0 = %q, %q, %q", seen["temp8_input"], seen["temp2_label"], seen["vrm0_"])
	}
}

func TestCoolingDevices(t *testing.T) {
	t.Parallel()
	fs := testFS(t, map[string]string{
		"sys/class/thermal/cooling_device0/type":       "Processor\n",
		"sys/class/thermal/cooling_device0/cur_state":  "1\n",
		"sys/class/thermal/cooling_device0/max_state":  "3\n",
		"sys/class/thermal/cooling_device10/type":      "intel_powerclamp\n",
		"sys/class/thermal/cooling_device10/cur_state": "-1\n",
		"sys/class/thermal/cooling_device10/max_state": "50\n",
		"sys/class/thermal/cooling_device2/type":       "Fan\n",
		"sys/class/thermal/cooling_device2/max_state":  "1\n",
		"sys/class/thermal/cooling_device3/type":       "LCD\n",
		"sys/class/thermal/cooling_device3/cur_state":  "7\n",
		"sys/class/thermal/cooling_device3/max_state":  "lots\n",
		"sys/class/thermal/cooling_devicex/type":       "not one\n",
	})
	got, err := fs.CoolingDevices()
	want := []CoolingDevice{
		{Name: "0", Type: "Processor", CurState: 1, MaxState: 3},
		{Name: "10", Type: "intel_powerclamp", CurState: -1, MaxState: 50},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CoolingDevices() mismatch (-want +got):\n%s", diff)
	}
	if err == nil || !strings.Contains(err.Error(), "cooling_device3/max_state") {
		t.Errorf("CoolingDevices() error = %v; want one naming cooling_device3/max_state", err)
	}
}

// TestHwmonNamesFollowLinks names chips from a cache that must notice a
// chip leaving and another taking its hwmonN.
func TestHwmonNamesFollowLinks(t *testing.T) {
	t.Parallel()
	fs := testFS(t, map[string]string{
		"sys/devices/platform/coretemp.0/hwmon/hwmon0/name":  "coretemp\n",
		"sys/devices/platform/nct6775.656/hwmon/hwmon0/name": "nct6798\n",
		"sys/devices/virtual/hwmon/hwmon1/name":              "acpi_fan\n",
	})
	sys := fs.SysRoot()
	mustSymlink(t, "../../../coretemp.0", filepath.Join(sys, "devices/platform/coretemp.0/hwmon/hwmon0/device"))
	mustSymlink(t, "../../../nct6775.656", filepath.Join(sys, "devices/platform/nct6775.656/hwmon/hwmon0/device"))
	mustSymlink(t, "../../devices/platform/coretemp.0/hwmon/hwmon0", filepath.Join(sys, "class/hwmon/hwmon0"))
	mustSymlink(t, "../../devices/virtual/hwmon/hwmon1", filepath.Join(sys, "class/hwmon/hwmon1"))
	var names HwmonNames
	chipsOf := func() []string {
		t.Helper()
		chips, err := fs.HwmonChips(&names)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range chips {
			got = append(got, c.Chip+"/"+c.Name)
		}
		return got
	}
	for i, step := range []struct {
		change func()
		want   []string
	}{
		{func() {}, []string{"platform_coretemp_0/coretemp", "acpi_fan/acpi_fan"}},
		{func() {}, []string{"platform_coretemp_0/coretemp", "acpi_fan/acpi_fan"}},
		{func() {
			// coretemp leaves; the fan controller's driver takes hwmon0.
			must(t, os.Remove(filepath.Join(sys, "class/hwmon/hwmon0")))
			mustSymlink(t, "../../devices/platform/nct6775.656/hwmon/hwmon0", filepath.Join(sys, "class/hwmon/hwmon0"))
		}, []string{"platform_nct6775_656/nct6798", "acpi_fan/acpi_fan"}},
		{func() { must(t, os.Remove(filepath.Join(sys, "class/hwmon/hwmon1"))) }, []string{"platform_nct6775_656/nct6798"}},
	} {
		step.change()
		if diff := cmp.Diff(step.want, chipsOf()); diff != "" {
			t.Errorf("step %d: HwmonChips mismatch (-want +got):\n%s", i, diff)
		}
	}
	if len(names.m) != 1 {
		t.Errorf("names keeps %d chips, want 1: %v", len(names.m), names.m)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadAttr(t *testing.T) {
	t.Parallel()
	fs := testFS(t, map[string]string{"sys/long": strings.Repeat("x", 5000), "sys/temp": "45000\n"})
	for _, tt := range []struct {
		name, file string
		cap, want  int
	}{
		{"a page when buf has no room", "long", 0, 4096},
		{"at most cap(buf)", "long", 128, 128},
		{"a short file whole", "temp", 128, 6},
	} {
		b, err := ReadAttr(filepath.Join(fs.SysRoot(), tt.file), make([]byte, 0, tt.cap))
		if err != nil || len(b) != tt.want {
			t.Errorf("%s: ReadAttr = %d bytes, %v; want %d", tt.name, len(b), err, tt.want)
		}
	}
	// A read at offset 0 of /proc/self/mem fails with EIO, as a driver's
	// absent probe does.
	if b, err := ReadAttr("/proc/self/mem", nil); err == nil || len(b) != 0 {
		t.Errorf("ReadAttr(/proc/self/mem) = %q, %v; want an error", b, err)
	}
}
