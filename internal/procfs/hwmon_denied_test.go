package procfs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestHwmonDenied: inputs this user may not read are counted in Denied,
// so the sensor can say they need root; other attributes are not. Root
// reads a 0400 file, so this runs only unprivileged.
func TestHwmonDenied(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads a 0400 file: run unprivileged")
	}
	fs := testFS(t, map[string]string{
		"sys/class/hwmon/hwmon0/name":        "coretemp\n",
		"sys/class/hwmon/hwmon0/temp1_input": "41000\n",
		"sys/class/hwmon/hwmon0/temp2_input": "42000\n",
		"sys/class/hwmon/hwmon0/fan1_input":  "900\n",
		"sys/class/hwmon/hwmon0/in0_input":   "1200\n",
		"sys/class/hwmon/hwmon0/temp1_max":   "80000\n",
	})
	dir := filepath.Join(fs.SysRoot(), "class/hwmon/hwmon0")
	for _, f := range []string{"temp2_input", "fan1_input", "in0_input", "temp1_max"} {
		if err := os.Chmod(filepath.Join(dir, f), 0o000); err != nil {
			t.Fatal(err)
		}
	}
	got, err := fs.Hwmon()
	if err != nil {
		t.Fatal(err)
	}
	want := []HwmonChip{{Chip: "coretemp", Name: "coretemp", Denied: 2, Sensors: []HwmonSensor{{Type: "temp", Num: 1, Input: 41}}}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(HwmonChip{}, "Dir"), cmpopts.IgnoreFields(HwmonSensor{}, "Path")); diff != "" {
		t.Errorf("Hwmon() mismatch (-want +got):\n%s", diff)
	}
}
